// A stored batch with some of its records left out, as Kafka's log cleaner rewrites batches: the
// kept records keep their offset and timestamp deltas (so their offsets never change), and the
// header keeps baseOffset, lastOffsetDelta, timestamps, attributes (codec included), producer id,
// epoch and baseSequence; only the records, recordCount, batchLength and CRC change.

import { Writer } from "../primitives.ts";
import { compress } from "./compression/index.ts";
import { crc32c } from "./crc32c.ts";
import { decodeBatch } from "./decode.ts";
import { ATTRIBUTES_AT, BATCH_HEADER_SIZE, BATCH_LENGTH_AT, CRC_AT, LOG_OVERHEAD, RECORD_COUNT_AT, readBatchHeader } from "./header.ts";
import { type KafkaRecord, recordBodySize, varintSize, writeRecord } from "./record.ts";

/** The batch with only the records `keep` accepts; null when it keeps none. */
export function filterRecords(batch: Uint8Array, keep: (record: KafkaRecord) => boolean): Uint8Array | null {
  const header = readBatchHeader(batch);
  const { records } = decodeBatch(batch, { verifyCrc: false });
  const kept = records.filter(keep);
  if (kept.length === 0) return null;
  if (kept.length === records.length) return batch;
  const sizes = kept.map((r) => recordBodySize(r, r.timestampDelta, r.offsetDelta));
  const w = new Writer(sizes.reduce((n, s) => n + varintSize(s) + s, 0));
  kept.forEach((r, i) => writeRecord(w, r, sizes[i]!, r.timestampDelta, r.offsetDelta));
  const body = header.codec === "none" ? w.finish() : compress(header.codec, w.finish());
  const out = new Uint8Array(BATCH_HEADER_SIZE + body.length);
  out.set(batch.subarray(0, BATCH_HEADER_SIZE));
  out.set(body, BATCH_HEADER_SIZE);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(BATCH_LENGTH_AT, out.length - LOG_OVERHEAD);
  view.setInt32(RECORD_COUNT_AT, kept.length);
  view.setUint32(CRC_AT, crc32c(out.subarray(ATTRIBUTES_AT)));
  return out;
}
