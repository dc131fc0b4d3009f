import { EncodeError } from "../../primitives.ts";
import { badCompression, tooLarge } from "./limits.ts";

// Snappy raw block format: uvarint uncompressed length, then elements whose tag's low two bits
// say: 00 literal, 01 copy (1-byte offset), 10 copy (2-byte offset), 11 copy (4-byte offset).
// Multi-byte offsets and lengths are little-endian.

const FRAGMENT_SIZE = 1 << 16; // compress in 64 KiB fragments so every offset fits in 2 bytes
const HASH_BITS = 14;
// Fragment-relative positions. Entries left by earlier fragments are harmless: a candidate is used
// only if it lies before the cursor and its 4 bytes match.
const table = new Uint16Array(1 << HASH_BITS);

// Largest output per input byte: a 3-byte copy element yields 64 bytes.
const MAX_EXPANSION = 22;

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function hash(seq: number): number {
  return Math.imul(seq, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

function emitLiteral(src: Uint8Array, from: number, to: number, dst: Uint8Array, op: number): number {
  const n = to - from - 1;
  if (n < 60) dst[op++] = n << 2;
  else if (n < 0x100) {
    dst[op++] = 60 << 2;
    dst[op++] = n;
  } else if (n < 0x10000) {
    dst[op++] = 61 << 2;
    dst[op++] = n & 0xff;
    dst[op++] = n >>> 8;
  } else {
    dst[op++] = 62 << 2;
    dst[op++] = n & 0xff;
    dst[op++] = (n >>> 8) & 0xff;
    dst[op++] = n >>> 16;
  }
  if (to - from < 16) for (let i = from; i < to; i++) dst[op++] = src[i]!;
  else {
    dst.set(src.subarray(from, to), op);
    op += to - from;
  }
  return op;
}

function emitCopy(dst: Uint8Array, op: number, offset: number, length: number): number {
  let len = length;
  while (len >= 68) {
    op = emitCopy2(dst, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopy2(dst, op, offset, 60);
    len -= 60;
  }
  if (len >= 12 || offset >= 2048) return emitCopy2(dst, op, offset, len);
  dst[op++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
  dst[op++] = offset & 0xff;
  return op;
}

function emitCopy2(dst: Uint8Array, op: number, offset: number, len: number): number {
  dst[op++] = ((len - 1) << 2) | 2;
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  return op;
}

function compressFragment(src: Uint8Array, start: number, end: number, dst: Uint8Array, op: number): number {
  let anchor = start;
  if (end - start >= 16) {
    const lastRead = end - 4;
    let ip = start;
    let skip = 32;
    while (ip <= lastRead) {
      const seq = read32(src, ip);
      const h = hash(seq);
      const candidate = start + table[h]!;
      table[h] = ip - start;
      if (candidate >= ip || read32(src, candidate) !== seq) {
        // step further apart the longer nothing matches, so incompressible data passes quickly
        ip += skip++ >> 5;
        continue;
      }
      if (ip > anchor) op = emitLiteral(src, anchor, ip, dst, op);
      let e = ip + 4;
      let f = candidate + 4;
      while (e < end && src[e] === src[f]) {
        e++;
        f++;
      }
      op = emitCopy(dst, op, ip - candidate, e - ip);
      ip = e;
      anchor = e;
      skip = 32;
      if (ip - 1 <= lastRead) table[hash(read32(src, ip - 1))] = ip - 1 - start;
    }
  }
  return anchor < end ? emitLiteral(src, anchor, end, dst, op) : op;
}

export function snappyCompressRaw(input: Uint8Array): Uint8Array {
  const n = input.length;
  if (n > 0xffffffff) throw new EncodeError(`snappy input of ${n} bytes exceeds 4 GiB`);
  const out = new Uint8Array(32 + n + Math.ceil(n / 6));
  let op = 0;
  let v = n;
  while (v >= 0x80) {
    out[op++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[op++] = v;
  for (let start = 0; start < n; start += FRAGMENT_SIZE) {
    op = compressFragment(input, start, Math.min(start + FRAGMENT_SIZE, n), out, op);
  }
  return out.subarray(0, op);
}

/** Reads the uncompressed-length preamble of the raw block in src[start, end). */
export function readSnappyLength(src: Uint8Array, start: number, end: number, maxBytes: number, at: number): { length: number; next: number } {
  let length = 0;
  let p = start;
  for (let shift = 0; ; shift += 7) {
    if (p >= end) badCompression(at + start, "snappy length preamble runs past the end");
    if (shift > 28) badCompression(at + start, "snappy length preamble longer than 5 bytes");
    const b = src[p++]!;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  if (length > maxBytes) tooLarge(at + start, length, maxBytes);
  if (length > (end - p) * MAX_EXPANSION) {
    badCompression(at + start, `snappy length ${length} is impossible for ${end - p} compressed bytes`);
  }
  return { length, next: p };
}

/** Decodes the elements in src[start, end) into exactly `length` bytes of dst from dstStart. */
export function snappyDecodeElements(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart: number,
  length: number,
  at: number,
): void {
  const dstEnd = dstStart + length;
  let ip = start;
  let op = dstStart;
  while (ip < end) {
    const tagAt = ip;
    const tag = src[ip++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const n = len - 59;
          if (n > end - ip) badCompression(at + tagAt, "snappy literal length runs past the end");
          len = 0;
          for (let i = n - 1; i >= 0; i--) len = len * 256 + src[ip + i]!;
          ip += n;
        }
        len += 1;
        if (len > end - ip) badCompression(at + tagAt, `snappy literal of ${len} bytes runs past the end`);
        if (len > dstEnd - op) badCompression(at + tagAt, "snappy literal overruns the declared length");
        if (len < 16) for (let i = 0; i < len; i++) dst[op++] = src[ip++]!;
        else {
          dst.set(src.subarray(ip, ip + len), op);
          ip += len;
          op += len;
        }
        continue;
      }
      case 1:
        if (ip >= end) badCompression(at + tagAt, "snappy copy runs past the end");
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | src[ip++]!;
        break;
      case 2:
        if (end - ip < 2) badCompression(at + tagAt, "snappy copy runs past the end");
        len = (tag >>> 2) + 1;
        offset = src[ip]! | (src[ip + 1]! << 8);
        ip += 2;
        break;
      default:
        if (end - ip < 4) badCompression(at + tagAt, "snappy copy runs past the end");
        len = (tag >>> 2) + 1;
        offset = read32(src, ip) >>> 0;
        ip += 4;
    }
    if (offset === 0 || offset > op - dstStart) badCompression(at + tagAt, `snappy copy offset ${offset} out of range`);
    if (len > dstEnd - op) badCompression(at + tagAt, "snappy copy overruns the declared length");
    let from = op - offset;
    // copies may overlap their own output (offset < length repeats a pattern), so go byte by byte
    for (const stop = op + len; op < stop; ) dst[op++] = dst[from++]!;
  }
  if (op !== dstEnd) badCompression(at + end, `snappy block produced ${op - dstStart} of ${length} bytes`);
}

export function snappyDecompressRaw(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  const { length, next } = readSnappyLength(input, 0, input.length, maxBytes, at);
  const out = new Uint8Array(length);
  snappyDecodeElements(input, next, input.length, out, 0, length, at);
  return out;
}
