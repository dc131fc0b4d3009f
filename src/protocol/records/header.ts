import { DecodeError, Reader } from "../primitives.ts";
import { CODEC_MASK, CODECS, CONTROL_FLAG, LOG_APPEND_TIME_FLAG, TRANSACTIONAL_FLAG, type Codec, type TimestampType } from "./attributes.ts";

// Byte positions of the record batch v2 header fields.
export const BASE_OFFSET_AT = 0;
export const BATCH_LENGTH_AT = 8;
export const PARTITION_LEADER_EPOCH_AT = 12;
export const MAGIC_AT = 16;
export const CRC_AT = 17;
export const ATTRIBUTES_AT = 21;
export const LAST_OFFSET_DELTA_AT = 23;
export const BASE_TIMESTAMP_AT = 27;
export const MAX_TIMESTAMP_AT = 35;
export const PRODUCER_ID_AT = 43;
export const PRODUCER_EPOCH_AT = 51;
export const BASE_SEQUENCE_AT = 53;
export const RECORD_COUNT_AT = 57;
export const RECORDS_AT = 61;
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes that batchLength does not count. */
export const LOG_OVERHEAD = 12;
export const MAGIC = 2;
/** -1 in baseTimestamp/maxTimestamp: no timestamp. */
export const NO_TIMESTAMP = -1;

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field: the batch is LOG_OVERHEAD + batchLength bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  codec: Codec;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
}

/**
 * Parses the 61-byte header at the start of `batch`. Checks magic, that batchLength covers at
 * least the header, and the codec; not the CRC or that the bytes hold the whole batch.
 */
export function readBatchHeader(batch: Uint8Array): BatchHeader {
  const r: Reader = new Reader(batch);
  if (batch.length < BATCH_HEADER_SIZE) r.fail("truncated", `record batch header needs ${BATCH_HEADER_SIZE} bytes, ${batch.length} left`);
  const baseOffset = r.int64Number();
  const batchLength = r.int32();
  const partitionLeaderEpoch = r.int32();
  const magic = r.int8();
  if (magic !== MAGIC) r.fail("unsupported-version", `record batch magic ${magic}, only 2 is supported`, MAGIC_AT);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) r.fail("bad-value", `batchLength ${batchLength} shorter than the header`, BATCH_LENGTH_AT);
  const crc = r.uint32();
  const attributes = r.int16();
  const codec = CODECS[attributes & CODEC_MASK];
  if (codec === undefined) r.fail("unknown-codec", `compression codec ${attributes & CODEC_MASK}`, ATTRIBUTES_AT);
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch,
    magic,
    crc,
    attributes,
    lastOffsetDelta: r.int32(),
    baseTimestamp: r.int64Number(),
    maxTimestamp: r.int64Number(),
    producerId: r.int64Number(),
    producerEpoch: r.int16(),
    baseSequence: r.int32(),
    recordCount: r.int32(),
    codec,
    timestampType: attributes & LOG_APPEND_TIME_FLAG ? "LogAppendTime" : "CreateTime",
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
  };
}

/** Checks that `batch` is exactly one whole batch, as its batchLength says. */
export function checkBatchLength(batch: Uint8Array, batchLength: number): void {
  const held = batch.length - LOG_OVERHEAD;
  if (batchLength > held) throw new DecodeError("truncated", batch.length, `batchLength ${batchLength} but ${held} bytes follow it`);
  if (batchLength < held) throw new DecodeError("bad-value", LOG_OVERHEAD + batchLength, `${held - batchLength} bytes after the batch's batchLength`);
}
