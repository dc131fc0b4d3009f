import { type Reader, utf8Length, type Writer } from "../primitives.ts";

// A record inside a batch: length(varint) attributes(int8) timestampDelta(varlong)
// offsetDelta(varint) keyLength(varint, -1 = null) key valueLength(varint) value
// headerCount(varint) headers: keyLength(varint) key(utf8) valueLength(varint, -1 = null) value.
// All varints here are zigzag-signed.

export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

export interface KafkaRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** baseOffset + offsetDelta. */
  offset: number;
  /** baseTimestamp + timestampDelta, or the batch's maxTimestamp under LogAppendTime. */
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: readonly RecordHeader[];
}

/** A record to encode; timestamp defaults to now, offsetDelta to its index in the batch. */
export interface RecordInput {
  key?: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[];
  timestamp?: number;
  offsetDelta?: number;
}

/** Smallest encoded record: one byte each for length, attributes, the two deltas, the key and value lengths and the header count. */
export const MIN_RECORD_SIZE = 7;

const utf8Decoder = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();
/** Shared by every record without headers (most of them), so it must never change. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

function nullableBytes(r: Reader): Uint8Array | null {
  const at = r.pos;
  const n = r.varint();
  if (n === -1) return null;
  if (n < -1) r.fail("negative-length", `length ${n}`, at);
  return r.slice(n);
}

function readHeaders(r: Reader, end: number): readonly RecordHeader[] {
  const at = r.pos;
  const count = r.varint();
  if (count === 0) return NO_HEADERS;
  if (count < 0) r.fail("negative-length", `header count ${count}`, at);
  // every header takes at least two bytes (its two lengths)
  if (count * 2 > end - r.pos) r.fail("length-exceeds-frame", `header count ${count} with ${end - r.pos} bytes left in the record`, at);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyAt = r.pos;
    const keyLength = r.varint();
    if (keyLength < 0) r.fail("negative-length", `header key length ${keyLength}`, keyAt);
    const key = utf8Decoder.decode(r.slice(keyLength));
    headers.push({ key, value: nullableBytes(r) });
  }
  return headers;
}

/** Reads one record; `baseTimestamp` is already maxTimestamp for LogAppendTime batches. */
export function readRecord(r: Reader, baseOffset: number, baseTimestamp: number, logAppendTime: boolean): KafkaRecord {
  const at = r.pos;
  const length = r.varint();
  if (length < 0) r.fail("negative-length", `record length ${length}`, at);
  if (length > r.remaining) r.fail("length-exceeds-frame", `record length ${length} with ${r.remaining} bytes left`, at);
  const bodyAt = r.pos;
  const end = bodyAt + length;
  const attributes = r.int8();
  const timestampDelta = r.varlong();
  const offsetDelta = r.varint();
  const key = nullableBytes(r);
  const value = nullableBytes(r);
  const headers = readHeaders(r, end);
  if (r.pos !== end) r.fail("bad-value", `record length ${length} but its fields take ${r.pos - bodyAt}`, at);
  return {
    attributes,
    timestampDelta,
    offsetDelta,
    offset: baseOffset + offsetDelta,
    timestamp: logAppendTime ? baseTimestamp : baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

function uvarintSize(u: number): number {
  let n = 1;
  for (let v = u; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

export function varintSize(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);
}

export function varlongSize(v: number): number {
  return uvarintSize(v >= 0 ? v * 2 : -v * 2 - 1);
}

function nullableSize(b: Uint8Array | null | undefined): number {
  return b == null ? 1 : varintSize(b.length) + b.length;
}

/** Size of the record's fields after its length varint. */
export function recordBodySize(record: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta) + nullableSize(record.key) + nullableSize(record.value);
  const headers = record.headers ?? NO_HEADERS;
  size += varintSize(headers.length);
  for (const h of headers) {
    const keyLength = utf8Length(h.key);
    size += varintSize(keyLength) + keyLength + nullableSize(h.value);
  }
  return size;
}

function writeNullable(w: Writer, b: Uint8Array | null | undefined): void {
  if (b == null) w.varint(-1);
  else w.varint(b.length).raw(b);
}

export function writeRecord(w: Writer, record: RecordInput, bodySize: number, timestampDelta: number, offsetDelta: number): void {
  w.varint(bodySize).int8(0).varlong(timestampDelta).varint(offsetDelta);
  writeNullable(w, record.key);
  writeNullable(w, record.value);
  const headers = record.headers ?? NO_HEADERS;
  w.varint(headers.length);
  for (const h of headers) {
    const keyLength = utf8Length(h.key);
    w.varint(keyLength);
    const at = w.reserve(keyLength);
    utf8Encoder.encodeInto(h.key, w.buf.subarray(at, at + keyLength));
    writeNullable(w, h.value);
  }
}
