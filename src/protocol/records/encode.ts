import { EncodeError, Writer } from "../primitives.ts";
import { composeAttributes, type AttributeOptions } from "./attributes.ts";
import { compress } from "./compression/index.ts";
import { crc32c } from "./crc32c.ts";
import {
  ATTRIBUTES_AT,
  BASE_SEQUENCE_AT,
  BASE_TIMESTAMP_AT,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_AT,
  CRC_AT,
  LAST_OFFSET_DELTA_AT,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_AT,
  MAX_TIMESTAMP_AT,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_AT,
  PRODUCER_EPOCH_AT,
  PRODUCER_ID_AT,
  RECORD_COUNT_AT,
} from "./header.ts";
import { recordBodySize, varintSize, writeRecord, type RecordInput } from "./record.ts";
import { setInt64 } from "./rewrite.ts";

export interface EncodeBatchOptions extends AttributeOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** -1 (the default) for a producer that is not idempotent. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}

function safeInteger(v: number, what: string): number {
  if (!Number.isSafeInteger(v)) throw new EncodeError(`bad ${what} ${v}`);
  return v;
}

/**
 * Builds a batch. baseTimestamp is the first record's timestamp (later ones may be earlier: their
 * deltas are negative), maxTimestamp the largest, lastOffsetDelta the last record's offsetDelta.
 */
export function encodeBatch(records: readonly RecordInput[], options: EncodeBatchOptions = {}): Uint8Array {
  const count = records.length;
  const now = Date.now();
  const timestamps = records.map((r) => safeInteger(r.timestamp ?? now, "timestamp"));
  const baseTimestamp = timestamps[0] ?? NO_TIMESTAMP;
  let maxTimestamp = NO_TIMESTAMP;
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t;
  const offsetDeltas = records.map((r, i) => safeInteger(r.offsetDelta ?? i, "offsetDelta"));
  const bodySizes = new Array<number>(count);
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const size = recordBodySize(records[i]!, timestamps[i]! - baseTimestamp, offsetDeltas[i]!);
    bodySizes[i] = size;
    recordsSize += varintSize(size) + size;
  }

  const codec = options.codec ?? "none";
  const w = new Writer(codec === "none" ? BATCH_HEADER_SIZE + recordsSize : Math.max(recordsSize, 1));
  if (codec === "none") w.reserve(BATCH_HEADER_SIZE);
  for (let i = 0; i < count; i++) writeRecord(w, records[i]!, bodySizes[i]!, timestamps[i]! - baseTimestamp, offsetDeltas[i]!);
  let batch: Uint8Array;
  if (codec === "none") batch = w.finish();
  else {
    const payload = compress(codec, w.finish());
    batch = new Uint8Array(BATCH_HEADER_SIZE + payload.length);
    batch.set(payload, BATCH_HEADER_SIZE);
  }

  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  setInt64(view, 0, safeInteger(options.baseOffset ?? 0, "baseOffset"));
  view.setInt32(BATCH_LENGTH_AT, batch.length - LOG_OVERHEAD);
  view.setInt32(PARTITION_LEADER_EPOCH_AT, options.partitionLeaderEpoch ?? -1);
  view.setInt8(MAGIC_AT, MAGIC);
  view.setInt16(ATTRIBUTES_AT, composeAttributes(options));
  view.setInt32(LAST_OFFSET_DELTA_AT, count === 0 ? -1 : offsetDeltas[count - 1]!);
  setInt64(view, BASE_TIMESTAMP_AT, baseTimestamp);
  setInt64(view, MAX_TIMESTAMP_AT, maxTimestamp);
  setInt64(view, PRODUCER_ID_AT, safeInteger(options.producerId ?? -1, "producerId"));
  view.setInt16(PRODUCER_EPOCH_AT, options.producerEpoch ?? -1);
  view.setInt32(BASE_SEQUENCE_AT, options.baseSequence ?? -1);
  view.setInt32(RECORD_COUNT_AT, count);
  view.setUint32(CRC_AT, crc32c(batch.subarray(ATTRIBUTES_AT)));
  return batch;
}
