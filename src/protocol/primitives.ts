// Reader and Writer for Kafka's wire primitives. Every length and count read from the wire is
// checked against the bytes that remain before anything is allocated, so a hostile length field
// can never size an allocation beyond the frame it arrived in.

export type DecodeErrorCode =
  | "truncated"
  | "negative-length"
  | "length-exceeds-frame"
  | "bad-varint"
  | "bad-value"
  | "crc-mismatch"
  | "unknown-codec"
  | "bad-compression"
  | "unsupported-version";

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    readonly offset: number,
    detail: string,
  ) {
    super(`${code} at byte ${offset}: ${detail}`);
    this.name = "DecodeError";
  }
}

export class EncodeError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "EncodeError";
  }
}

export interface TaggedField {
  tag: number;
  data: Uint8Array;
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();

export class Reader {
  readonly view: DataView;
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: DecodeErrorCode, detail: string, at = this.pos): never {
    throw new DecodeError(code, at, detail);
  }

  private need(n: number): number {
    const at = this.pos;
    if (n > this.end - at) this.fail("truncated", `needs ${n} bytes, ${this.end - at} left`);
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.view.getInt8(this.need(1));
  }
  uint8(): number {
    return this.view.getUint8(this.need(1));
  }
  bool(): boolean {
    return this.uint8() !== 0;
  }
  int16(): number {
    return this.view.getInt16(this.need(2));
  }
  uint16(): number {
    return this.view.getUint16(this.need(2));
  }
  int32(): number {
    return this.view.getInt32(this.need(4));
  }
  uint32(): number {
    return this.view.getUint32(this.need(4));
  }
  int64(): bigint {
    return this.view.getBigInt64(this.need(8));
  }
  /** An int64 read as a JS number; values beyond 2^53 are a decode error. */
  int64Number(): number {
    const at = this.need(8);
    const hi = this.view.getInt32(at);
    const lo = this.view.getUint32(at + 4);
    if (hi > 0x1fffff || hi < -0x200000) this.fail("bad-value", "int64 beyond 2^53", at);
    return hi * 0x1_0000_0000 + lo;
  }
  float64(): number {
    return this.view.getFloat64(this.need(8));
  }

  uuid(): string {
    const at = this.need(16);
    let s = "";
    for (let i = 0; i < 16; i++) {
      s += HEX[this.buf[at + i]!];
      if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
    }
    return s;
  }

  /** Unsigned LEB128 varint of at most 32 bits. */
  uvarint(): number {
    const start = this.pos;
    // one and two bytes (most lengths and deltas) without the loop
    if (start + 1 < this.end) {
      const b0 = this.buf[start]!;
      if (b0 < 0x80) {
        this.pos = start + 1;
        return b0;
      }
      const b1 = this.buf[start + 1]!;
      if (b1 < 0x80) {
        this.pos = start + 2;
        return (b0 & 0x7f) | (b1 << 7);
      }
    }
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail("truncated", "varint runs past the end", start);
      const b = this.buf[this.pos++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (i === 4 && b > 0x0f) this.fail("bad-varint", "varint exceeds 32 bits", start);
        return result >>> 0;
      }
      shift += 7;
    }
    return this.fail("bad-varint", "varint longer than 5 bytes", start);
  }

  /** Zigzag-encoded signed varint of at most 32 bits. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag-encoded signed varlong, as a number; magnitudes beyond 2^53 are a decode error. */
  varlong(): number {
    const start = this.pos;
    if (start < this.end && this.buf[start]! < 0x80) {
      const b = this.buf[start]!;
      this.pos = start + 1;
      return (b >>> 1) ^ -(b & 1);
    }
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated", "varlong runs past the end", start);
      const b = this.buf[this.pos++]!;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if ((b & 0x80) === 0) {
        if (i === 9 && b > 1) this.fail("bad-varint", "varlong exceeds 64 bits", start);
        const u = (hi >>> 0) * 0x1_0000_0000 + (lo >>> 0);
        if (u > Number.MAX_SAFE_INTEGER) this.fail("bad-value", "varlong beyond 2^53", start);
        // zigzag: even → u/2, odd → -(u+1)/2
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
      shift += 7;
    }
    return this.fail("bad-varint", "varlong longer than 10 bytes", start);
  }

  /** Returns a view (no copy) of the next n bytes. */
  slice(n: number): Uint8Array {
    if (n < 0) this.fail("negative-length", `length ${n}`);
    if (n > this.end - this.pos) this.fail("length-exceeds-frame", `length ${n} with ${this.end - this.pos} bytes left`);
    const at = this.pos;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  private text(n: number): string {
    const at = this.pos;
    const bytes = this.slice(n);
    // ASCII fast path: most names are short ASCII strings
    if (n < 64) {
      let s = "";
      for (let i = 0; i < n; i++) {
        const c = this.buf[at + i]!;
        if (c > 0x7f) return utf8Decoder.decode(bytes);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8Decoder.decode(bytes);
  }

  private nullableLength(n: number, what: string): number | null {
    if (n === -1) return null;
    if (n < 0) this.fail("negative-length", `${what} length ${n}`, this.pos - 2);
    return n;
  }

  string(): string {
    const n = this.int16();
    if (n < 0) this.fail("negative-length", `string length ${n}`, this.pos - 2);
    return this.text(n);
  }
  nullableString(): string | null {
    const n = this.nullableLength(this.int16(), "string");
    return n === null ? null : this.text(n);
  }
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) this.fail("negative-length", "null compact string where null is not allowed");
    return this.text(n);
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.text(n);
  }

  bytes(): Uint8Array {
    const n = this.int32();
    if (n < 0) this.fail("negative-length", `bytes length ${n}`, this.pos - 4);
    return this.slice(n);
  }
  nullableBytes(): Uint8Array | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) this.fail("negative-length", `bytes length ${n}`, this.pos - 4);
    return this.slice(n);
  }
  compactBytes(): Uint8Array {
    const n = this.uvarint() - 1;
    if (n < 0) this.fail("negative-length", "null compact bytes where null is not allowed");
    return this.slice(n);
  }
  compactNullableBytes(): Uint8Array | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.slice(n);
  }

  /** Array element count (int32); -1 means null. A count above the bytes left is rejected. */
  arrayLength(): number {
    const at = this.pos;
    const n = this.int32();
    return this.checkCount(n, at);
  }
  compactArrayLength(): number {
    const at = this.pos;
    const n = this.uvarint() - 1;
    return this.checkCount(n, at);
  }
  private checkCount(n: number, at: number): number {
    if (n < -1) this.fail("negative-length", `array count ${n}`, at);
    // every element of every Kafka array takes at least one byte
    if (n > this.end - this.pos) this.fail("length-exceeds-frame", `array count ${n} with ${this.end - this.pos} bytes left`, at);
    return n;
  }

  /** A possibly-null array: int32 count, or uvarint count+1 when compact; -1/0 means null. */
  array<T>(compact: boolean, readElement: () => T): T[] | null {
    const n = compact ? this.compactArrayLength() : this.arrayLength();
    if (n < 0) return null;
    const items = new Array<T>(n);
    for (let i = 0; i < n; i++) items[i] = readElement();
    return items;
  }
  requiredArray<T>(compact: boolean, readElement: () => T): T[] {
    const at = this.pos;
    const items = this.array(compact, readElement);
    if (items === null) this.fail("bad-value", "null array where null is not allowed", at);
    return items;
  }

  /**
   * Reads a tagged-field section. Known tags go to `onTag`, which must consume exactly the
   * field's bytes from the given sub-reader; unknown ones are returned for re-encoding.
   */
  taggedFields(onTag: ((tag: number, r: Reader) => boolean) | null): TaggedField[] | undefined {
    const count = this.uvarint();
    let unknown: TaggedField[] | undefined;
    let last = -1;
    for (let i = 0; i < count; i++) {
      const tagAt = this.pos;
      const tag = this.uvarint();
      if (tag <= last) this.fail("bad-value", `tagged field ${tag} out of order`, tagAt);
      last = tag;
      const size = this.uvarint();
      const data = this.slice(size);
      if (onTag !== null) {
        const sub = new Reader(this.buf, data.byteOffset - this.buf.byteOffset, data.byteOffset - this.buf.byteOffset + size);
        if (onTag(tag, sub)) {
          if (sub.remaining !== 0) this.fail("bad-value", `tagged field ${tag} has ${sub.remaining} extra bytes`, tagAt);
          continue;
        }
      }
      (unknown ??= []).push({ tag, data });
    }
    return unknown;
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  /** `initial`: a capacity, or a buffer to write into (a whole ArrayBuffer's, reused). */
  constructor(initial: number | Uint8Array = 256) {
    this.buf = typeof initial === "number" ? new Uint8Array(initial) : initial;
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for n more bytes and returns the offset they start at. */
  reserve(n: number): number {
    const at = this.pos;
    const need = at + n;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.pos = need;
    return at;
  }

  /** The bytes written so far (a view; copy it if the writer is reused). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  int8(v: number): this {
    const at = this.reserve(1);
    this.view.setInt8(at, v);
    return this;
  }
  uint8(v: number): this {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
    return this;
  }
  bool(v: boolean): this {
    return this.uint8(v ? 1 : 0);
  }
  int16(v: number): this {
    const at = this.reserve(2);
    this.view.setInt16(at, v);
    return this;
  }
  uint16(v: number): this {
    const at = this.reserve(2);
    this.view.setUint16(at, v);
    return this;
  }
  int32(v: number): this {
    const at = this.reserve(4);
    this.view.setInt32(at, v);
    return this;
  }
  uint32(v: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, v);
    return this;
  }
  int64(v: bigint): this {
    const at = this.reserve(8);
    this.view.setBigInt64(at, v);
    return this;
  }
  /** Writes a safe-integer number as an int64. */
  int64Number(v: number): this {
    const at = this.reserve(8);
    const hi = Math.floor(v / 0x1_0000_0000);
    this.view.setInt32(at, hi);
    this.view.setUint32(at + 4, v - hi * 0x1_0000_0000);
    return this;
  }
  float64(v: number): this {
    const at = this.reserve(8);
    this.view.setFloat64(at, v);
    return this;
  }

  uuid(v: string): this {
    const hex = v.replaceAll("-", "");
    if (hex.length !== 32) throw new EncodeError(`bad uuid ${JSON.stringify(v)}`);
    const at = this.reserve(16);
    for (let i = 0; i < 16; i++) {
      const b = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      if (Number.isNaN(b)) throw new EncodeError(`bad uuid ${JSON.stringify(v)}`);
      this.buf[at + i] = b;
    }
    return this;
  }

  uvarint(v: number): this {
    let u = v >>> 0;
    while (u >= 0x80) {
      const at = this.reserve(1);
      this.buf[at] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    const at = this.reserve(1);
    this.buf[at] = u;
    return this;
  }
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }
  /** Zigzag varlong for a safe-integer number. */
  varlong(v: number): this {
    // zigzag in doubles: non-negative → 2v, negative → -2v - 1
    let u = v >= 0 ? v * 2 : -v * 2 - 1;
    while (u >= 0x80) {
      const at = this.reserve(1);
      this.buf[at] = (u % 0x80) | 0x80;
      u = Math.floor(u / 0x80);
    }
    const at = this.reserve(1);
    this.buf[at] = u;
    return this;
  }

  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
    return this;
  }

  private text(s: string, n: number): void {
    const at = this.reserve(n);
    if (n === s.length) {
      for (let i = 0; i < n; i++) this.buf[at + i] = s.charCodeAt(i);
    } else {
      utf8Encoder.encodeInto(s, this.buf.subarray(at, at + n));
    }
  }

  string(s: string): this {
    const n = utf8Length(s);
    if (n > 0x7fff) throw new EncodeError(`string of ${n} bytes exceeds int16 length`);
    this.int16(n);
    this.text(s, n);
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    return this.string(s);
  }
  compactString(s: string): this {
    const n = utf8Length(s);
    this.uvarint(n + 1);
    this.text(s, n);
    return this;
  }
  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    return this.compactString(s);
  }

  bytes(b: Uint8Array): this {
    this.int32(b.length);
    return this.raw(b);
  }
  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.bytes(b);
  }
  compactBytes(b: Uint8Array): this {
    this.uvarint(b.length + 1);
    return this.raw(b);
  }
  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.compactBytes(b);
  }

  array<T>(compact: boolean, items: readonly T[] | null, writeElement: (item: T) => void): this {
    if (items === null) return compact ? this.uvarint(0) : this.int32(-1);
    if (compact) this.uvarint(items.length + 1);
    else this.int32(items.length);
    for (const item of items) writeElement(item);
    return this;
  }

  /** Writes tagged fields in ascending tag order; `fields` must already be sorted. */
  taggedFields(fields: readonly TaggedField[]): this {
    this.uvarint(fields.length);
    for (const f of fields) {
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
    return this;
  }
}

export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
export const NO_TAGGED_FIELDS: readonly TaggedField[] = Object.freeze([]);

/** A field that is nullable only in some versions must not be null in the others. */
export function required<T>(value: T | null, path: string): T {
  if (value === null) throw new EncodeError(`${path} is null in a version where it cannot be`);
  return value;
}

/** Encodes a value with a fresh writer; used for the body of a tagged field. */
export function encodeToBytes(write: (w: Writer) => void): Uint8Array {
  const w = new Writer(64);
  write(w);
  return w.finish().slice();
}
