// Rebuilds a record batch v2 from its tansu.batch columns and tansu.record rows. Deterministic:
// minimal varints, record attributes 0, deltas from the stored offsets and timestamps, the CRC
// computed over the result. batch-rows.ts only stores batches without bytes when this function
// reproduces them exactly, so a rebuilt batch is byte-identical to the produced one.

import { Writer } from "../../protocol/primitives.ts";
import { BATCH_HEADER_SIZE, LOG_OVERHEAD } from "../../protocol/records/index.ts";
import { computeBatchCrc } from "../../protocol/records/crc.ts";
import { recordBodySize, writeRecord, type RecordHeader, type RecordInput } from "../../protocol/records/record.ts";
import { setInt64 } from "../../protocol/records/rewrite.ts";

export interface BatchColumns {
  baseOffset: number;
  size: number;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface StoredHeader {
  key: string;
  value: string | null;
}

export interface RecordRow {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: StoredHeader[] | null;
}

const utf8 = new TextEncoder();

export function rebuildBatch(b: BatchColumns, records: readonly RecordRow[]): Uint8Array {
  const w = new Writer(Math.max(b.size, BATCH_HEADER_SIZE));
  w.reserve(BATCH_HEADER_SIZE);
  for (const row of records) {
    const input: RecordInput = { key: row.key, value: row.value, headers: row.headers?.map(headerBytes) ?? [] };
    const timestampDelta = row.timestamp - b.baseTimestamp;
    const offsetDelta = row.offset - b.baseOffset;
    writeRecord(w, input, recordBodySize(input, timestampDelta, offsetDelta), timestampDelta, offsetDelta);
  }
  const batch = w.finish();
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  setInt64(view, 0, b.baseOffset);
  view.setInt32(8, batch.byteLength - LOG_OVERHEAD);
  view.setInt32(12, b.partitionLeaderEpoch);
  view.setInt8(16, 2);
  view.setInt16(21, b.attributes);
  view.setInt32(23, b.lastOffsetDelta);
  setInt64(view, 27, b.baseTimestamp);
  setInt64(view, 35, b.maxTimestamp);
  setInt64(view, 43, b.producerId);
  view.setInt16(51, b.producerEpoch);
  view.setInt32(53, b.baseSequence);
  view.setInt32(57, b.recordCount);
  view.setUint32(17, computeBatchCrc(batch));
  return batch.byteLength === w.buf.byteLength ? batch : batch.slice();
}

function headerBytes(h: StoredHeader): RecordHeader {
  return { key: h.key, value: h.value === null ? null : utf8.encode(h.value) };
}
