// tansu.record rows in COPY's binary format (PostgreSQL docs, "COPY … Binary Format"): a
// signature and two int32s, then per row an int16 field count and each field as an int32 length
// (-1 for NULL) and its bytes, then an int16 -1. Binary pays here: bytea goes as is rather than as
// hex text at twice the size, and nothing needs escaping.

import { setInt64 } from "../../protocol/records/rewrite.ts";
import type { RecordRow } from "./rebuild.ts";

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const FIELDS = 7;
/** timestamptz is microseconds since 2000-01-01T00:00:00Z. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const utf8 = new TextEncoder();

export function uuidBytes(uuid: string): Uint8Array {
  return new Uint8Array(Buffer.from(uuid.replaceAll("-", ""), "hex"));
}

/** COPY data with the topic id and offsets left for patchCopyRows, so it can be built outside the lock. */
export interface PreparedRows {
  data: Uint8Array;
  rowStarts: number[];
}

/** `rows` carry offsets relative to the batch (offsetDelta); patchCopyRows adds the baseOffset. */
export function prepareCopyRows(partition: number, rows: readonly RecordRow[]): PreparedRows {
  const headers = rows.map((r) => (r.headers === null ? null : utf8.encode(JSON.stringify(r.headers))));
  // per row: count, then (length + bytes) for uuid, int4, int8, int8, key, value, jsonb (version byte + text)
  let size = SIGNATURE.length + 8 + 2;
  rows.forEach((r, i) => {
    const h = headers[i];
    size += 2 + 4 * FIELDS + 16 + 4 + 8 + 8 + (r.key?.byteLength ?? 0) + (r.value?.byteLength ?? 0) + (h == null ? 0 : 1 + h.byteLength);
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length + 8; // flags and header extension length are zero
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
  const rowStarts: number[] = [];
  rows.forEach((r, i) => {
    rowStarts.push(at);
    view.setInt16(at, FIELDS);
    view.setInt32(at + 2, 16);
    view.setInt32(at + 22, 4);
    view.setInt32(at + 26, partition);
    view.setInt32(at + 30, 8);
    setInt64(view, at + 34, r.offset);
    view.setInt32(at + 42, 8);
    const micros = (r.timestamp - POSTGRES_EPOCH_MS) * 1000;
    if (Number.isSafeInteger(micros)) setInt64(view, at + 46, micros);
    else view.setBigInt64(at + 46, BigInt(r.timestamp - POSTGRES_EPOCH_MS) * 1000n);
    at += 54;
    bytes(r.key);
    bytes(r.value);
    bytes(headers[i] ?? null, 1);
  });
  view.setInt16(at, -1);
  return { data: out, rowStarts };
}

export function patchCopyRows(prepared: PreparedRows, rows: readonly RecordRow[], topicId: Uint8Array, baseOffset: number): void {
  const { data, rowStarts } = prepared;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  rowStarts.forEach((at, i) => {
    data.set(topicId, at + 6);
    setInt64(view, at + 34, baseOffset + (rows[i]?.offset ?? 0));
  });
}
