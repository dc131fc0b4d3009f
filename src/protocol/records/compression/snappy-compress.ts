import { EncodeError } from "../../primitives.ts";

// Snappy raw block format: uvarint uncompressed length, then elements whose tag's low two bits
// say: 00 literal, 01 copy (1-byte offset), 10 copy (2-byte offset), 11 copy (4-byte offset).
// Multi-byte offsets and lengths are little-endian.

const FRAGMENT_SIZE = 1 << 16; // compress in 64 KiB fragments so every offset fits in 2 bytes
const HASH_BITS = 14;
// Fragment-relative positions. Entries left by earlier fragments are harmless: a candidate is used
// only if it lies before the cursor and its 4 bytes match.
const table = new Uint16Array(1 << HASH_BITS);

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
