// Several clients' record batches for one partition as one batch. Kafka takes exactly one batch per
// partition in a Produce request (v3+), so coalesced requests that meet on a partition need their
// batches merged. Only plain batches are merged: no producer id (an idempotent or transactional
// producer's sequence numbers must reach the broker as sent), CreateTime, whole, with a good CRC,
// baseOffset 0 and offsetDeltas 0..n-1, which the broker would refuse otherwise, so merging never
// launders a batch the broker would turn down. Each record is copied as sent except its offsetDelta
// and timestampDelta, which are counted from the merged batch's base.

import { Reader, Writer } from "../protocol/primitives.ts";
import { type BatchHeader, compress, decompress, readBatchHeader, verifyBatchCrc } from "../protocol/records/index.ts";
import { crc32c } from "../protocol/records/crc32c.ts";
import {
  ATTRIBUTES_AT,
  BASE_TIMESTAMP_AT,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_AT,
  checkBatchLength,
  CRC_AT,
  LAST_OFFSET_DELTA_AT,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_AT,
  RECORD_COUNT_AT,
  RECORDS_AT,
} from "../protocol/records/header.ts";
import { varintSize, varlongSize } from "../protocol/records/record.ts";
import { setInt64 } from "../protocol/records/rewrite.ts";

interface MergeableRecord {
  attributes: number;
  timestamp: number;
  /** The record's key, value and headers, as sent. */
  tail: Uint8Array;
}

export interface MergeableBatch {
  /** The first 61 bytes as sent: codec and the rest of the header the merged batch keeps. */
  header: BatchHeader;
  headerBytes: Uint8Array;
  records: MergeableRecord[];
}

/** The batch's records, or null when it is not one plain batch that may be merged with others. */
export function mergeable(records: Uint8Array | null): MergeableBatch | null {
  if (records === null || records.length < BATCH_HEADER_SIZE) return null;
  try {
    const header = readBatchHeader(records);
    checkBatchLength(records, header.batchLength);
    const plain = header.producerId === -1 && !header.isTransactional && !header.isControl && header.timestampType === "CreateTime";
    if (!plain || header.baseOffset !== 0 || header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) return null;
    verifyBatchCrc(records);
    const body = decompress(header.codec, records.subarray(RECORDS_AT), undefined, RECORDS_AT);
    const r = new Reader(body);
    const read: MergeableRecord[] = [];
    for (let i = 0; i < header.recordCount; i++) {
      const length = r.varint();
      const end = r.pos + length;
      if (length < 0 || end > body.length) return null;
      const attributes = r.int8();
      const timestamp = header.baseTimestamp + r.varlong();
      if (r.varint() !== i) return null;
      read.push({ attributes, timestamp, tail: r.slice(end - r.pos) });
    }
    if (r.remaining !== 0) return null;
    return { header, headerBytes: records.subarray(0, BATCH_HEADER_SIZE), records: read };
  } catch {
    return null;
  }
}

/** One batch of every record of `batches`, in order, in the first one's codec (all share it). */
export function mergeBatches(batches: readonly MergeableBatch[]): Uint8Array {
  const all = batches.flatMap((b) => b.records);
  const baseTimestamp = all[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  const w = new Writer(batches.reduce((n, b) => n + b.header.batchLength, 0) + 16 * all.length);
  all.forEach((record, offsetDelta) => {
    const timestampDelta = record.timestamp - baseTimestamp;
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    w.varint(1 + varlongSize(timestampDelta) + varintSize(offsetDelta) + record.tail.length);
    w.int8(record.attributes).varlong(timestampDelta).varint(offsetDelta).raw(record.tail);
  });
  const first = batches[0]!;
  const body = compress(first.header.codec, w.finish());
  const batch = new Uint8Array(BATCH_HEADER_SIZE + body.length);
  batch.set(first.headerBytes);
  batch.set(body, BATCH_HEADER_SIZE);
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  view.setInt32(BATCH_LENGTH_AT, batch.length - LOG_OVERHEAD);
  view.setInt32(LAST_OFFSET_DELTA_AT, all.length - 1);
  setInt64(view, BASE_TIMESTAMP_AT, baseTimestamp);
  setInt64(view, MAX_TIMESTAMP_AT, maxTimestamp);
  view.setInt32(RECORD_COUNT_AT, all.length);
  view.setUint32(CRC_AT, crc32c(batch.subarray(ATTRIBUTES_AT)));
  return batch;
}

/** Whether two batches may share a merged batch: the same codec and header attributes. */
export const sameKind = (a: MergeableBatch, b: MergeableBatch) => a.header.attributes === b.header.attributes;
