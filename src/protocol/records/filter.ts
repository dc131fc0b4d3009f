// A stored batch with some of its records left out, as Kafka's log cleaner rewrites batches: the
// kept records are copied byte for byte (so their offset and timestamp deltas, hence offsets, never
// change), and the header keeps baseOffset, lastOffsetDelta, timestamps, attributes (codec
// included), producer id, epoch and baseSequence; only recordCount, batchLength and CRC change.
// Records are walked, not built: compaction reads every record of a partition.

import { DecodeError } from "../primitives.ts";
import { compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./compression/index.ts";
import { crc32c } from "./crc32c.ts";
import { ATTRIBUTES_AT, BATCH_HEADER_SIZE, BATCH_LENGTH_AT, type BatchHeader, CRC_AT, LOG_OVERHEAD, RECORD_COUNT_AT, RECORDS_AT, readBatchHeader } from "./header.ts";

/** One record as a byte range of its batch's (decompressed) records, with what compaction reads. */
export interface RecordSpan {
  start: number;
  end: number;
  offset: number;
  timestamp: number;
  /** Where the key's bytes start in the records; keyLength -1: a null key. */
  keyAt: number;
  keyLength: number;
  valueIsNull: boolean;
}

export interface BatchSpans {
  header: BatchHeader;
  /** The records region, decompressed. */
  records: Uint8Array;
  spans: RecordSpan[];
}

/** Reads a zigzag varint (varlong up to 2^53) at `at`; the byte after it in `next`. */
class VarintCursor {
  next = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(at: number): number {
    const b = this.bytes;
    let u = 0;
    let scale = 1;
    for (let i = at; i < b.length && i < at + 10; i++) {
      const byte = b[i]!;
      u += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.next = i + 1;
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
      scale *= 128;
    }
    throw new DecodeError("bad-varint", at, "varint runs past the records");
  }
}

export function recordSpans(batch: Uint8Array): BatchSpans {
  const header = readBatchHeader(batch);
  const region = batch.subarray(RECORDS_AT, LOG_OVERHEAD + header.batchLength);
  const records = header.codec === "none" ? region : decompress(header.codec, region, DEFAULT_MAX_DECOMPRESSED_BYTES, RECORDS_AT);
  const logAppendTime = header.timestampType === "LogAppendTime";
  const v = new VarintCursor(records);
  const spans: RecordSpan[] = new Array(Math.max(header.recordCount, 0));
  let at = 0;
  for (let i = 0; i < spans.length; i++) {
    const start = at;
    const length = v.read(at);
    const end = v.next + length;
    if (length < 0 || end > records.length) throw new DecodeError("length-exceeds-frame", start, `record length ${length}`);
    // attributes (one byte), then timestampDelta, offsetDelta, key length and key, value length
    const timestampDelta = v.read(v.next + 1);
    const offsetDelta = v.read(v.next);
    const keyLength = v.read(v.next);
    const keyAt = v.next;
    const valueLength = v.read(keyAt + Math.max(keyLength, 0));
    spans[i] = {
      start,
      end,
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      keyAt,
      keyLength,
      valueIsNull: valueLength < 0,
    };
    at = end;
  }
  return { header, records, spans };
}

/** The batch with only the records `keep` accepts; the same array when it keeps all, null when none. */
export function filterRecords(batch: Uint8Array, keep: (record: RecordSpan, index: number) => boolean, parts: BatchSpans = recordSpans(batch)): Uint8Array | null {
  const kept = parts.spans.filter(keep);
  if (kept.length === 0) return null;
  if (kept.length === parts.spans.length) return batch;
  const plain = new Uint8Array(kept.reduce((n, s) => n + s.end - s.start, 0));
  let at = 0;
  for (const s of kept) {
    plain.set(parts.records.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  const body = parts.header.codec === "none" ? plain : compress(parts.header.codec, plain);
  const out = new Uint8Array(BATCH_HEADER_SIZE + body.length);
  out.set(batch.subarray(0, BATCH_HEADER_SIZE));
  out.set(body, BATCH_HEADER_SIZE);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(BATCH_LENGTH_AT, out.length - LOG_OVERHEAD);
  view.setInt32(RECORD_COUNT_AT, kept.length);
  view.setUint32(CRC_AT, crc32c(out.subarray(ATTRIBUTES_AT)));
  return out;
}
