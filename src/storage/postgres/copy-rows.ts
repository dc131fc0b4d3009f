// tansu.record rows in COPY's binary format (PostgreSQL docs, "COPY … Binary Format"): a
// signature and two int32s, then per row an int16 field count and each field as an int32 length
// (-1 for NULL) and its bytes, then an int16 -1. Binary pays here: bytea goes as is rather than as
// hex text at twice the size, and nothing needs escaping.
//
// Rows are written before the append's lock is taken, so the topic id and the offsets (baseOffset
// + offsetDelta) are left for patchCopyRows, which runs under the lock.

import { setInt64 } from "../../protocol/records/rewrite.ts";
import type { RecordRow } from "./rebuild.ts";

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const FIELDS = 7;
/** Signature, flags and header extension length (both zero). */
export const COPY_HEADER_SIZE = SIGNATURE.length + 8;
/** The int16 -1 after the last row. */
export const COPY_TRAILER_SIZE = 2;
/** A row without its key, value and headers bytes: count, 7 lengths, uuid, int4, int8, int8. */
export const ROW_FIXED_SIZE = 2 + 4 * FIELDS + 16 + 4 + 8 + 8;
const TOPIC_ID_AT = 6;
const OFFSET_AT = 34;
/** timestamptz holds roughly ±290,000 years; Kafka timestamps outside are kept only in a batch's bytes. */
export const MAX_ROW_TIMESTAMP = 8_000_000_000_000_000;
/** timestamptz is microseconds since 2000-01-01T00:00:00Z. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const utf8 = new TextEncoder();

export function uuidBytes(uuid: string): Uint8Array {
  return new Uint8Array(Buffer.from(uuid.replaceAll("-", ""), "hex"));
}

/** COPY data whose rows still need their topic id and offsets (patchCopyRows). */
export interface PreparedRows {
  data: Uint8Array;
  rowStarts: Int32Array;
  offsetDeltas: Int32Array;
}

export function writeCopyHeader(out: Uint8Array): number {
  out.set(SIGNATURE, 0);
  out.fill(0, SIGNATURE.length, COPY_HEADER_SIZE);
  return COPY_HEADER_SIZE;
}

/**
 * Writes a row's field count and its topic id (zeros until patched), partition, offset (likewise)
 * and timestamp fields at `at`; returns where the key's field starts.
 */
export function writeRowStart(view: DataView, at: number, partition: number, timestamp: number): number {
  view.setInt16(at, FIELDS);
  view.setInt32(at + 2, 16);
  view.setInt32(at + 22, 4);
  view.setInt32(at + 26, partition);
  view.setInt32(at + 30, 8);
  view.setInt32(at + 42, 8);
  const micros = (timestamp - POSTGRES_EPOCH_MS) * 1000;
  if (Number.isSafeInteger(micros)) setInt64(view, at + 46, micros);
  else view.setBigInt64(at + 46, BigInt(timestamp - POSTGRES_EPOCH_MS) * 1000n);
  return at + 54;
}

/** `rows` carry offsets relative to the batch (offsetDelta); patchCopyRows adds the baseOffset. */
export function prepareCopyRows(partition: number, rows: readonly RecordRow[]): PreparedRows {
  const headers = rows.map((r) => (r.headers === null ? null : utf8.encode(JSON.stringify(r.headers))));
  // per row: the fixed part, then key, value and jsonb (version byte + text)
  let size = COPY_HEADER_SIZE + COPY_TRAILER_SIZE;
  rows.forEach((r, i) => {
    const h = headers[i];
    size += ROW_FIXED_SIZE + (r.key?.byteLength ?? 0) + (r.value?.byteLength ?? 0) + (h == null ? 0 : 1 + h.byteLength);
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = writeCopyHeader(out);
  const bytes = (b: Uint8Array | null, prefix?: number) => {
    if (b === null) {
      view.setInt32(at, -1);
      at += 4;
      return;
    }
    const extra = prefix === undefined ? 0 : 1;
    view.setInt32(at, b.byteLength + extra);
    at += 4;
    if (prefix !== undefined) out[at++] = prefix;
    out.set(b, at);
    at += b.byteLength;
  };
  const rowStarts = new Int32Array(rows.length);
  const offsetDeltas = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    rowStarts[i] = at;
    offsetDeltas[i] = r.offset;
    at = writeRowStart(view, at, partition, r.timestamp);
    bytes(r.key);
    bytes(r.value);
    bytes(headers[i] ?? null, 1);
  });
  view.setInt16(at, -1);
  return { data: out, rowStarts, offsetDeltas };
}

export function patchCopyRows({ data, rowStarts, offsetDeltas }: PreparedRows, topicId: Uint8Array, baseOffset: number): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < rowStarts.length; i++) {
    const at = rowStarts[i]!;
    data.set(topicId, at + TOPIC_ID_AT);
    setInt64(view, at + OFFSET_AT, baseOffset + offsetDeltas[i]!);
  }
}
