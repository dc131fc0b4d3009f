import { badCompression } from "./limits.ts";

// LZ4 block format: sequences of token (high nibble literal length, low nibble match length − 4;
// 15 means "more length bytes follow, each added, until one is below 255"), literals, 2-byte
// little-endian match offset, match length bytes. The last sequence has literals only; the last
// 5 bytes of a block are literals and the last match starts at least 12 bytes before its end.

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MATCH_FIND_LIMIT = 12;
const MAX_OFFSET = 0xffff;
const HASH_BITS = 12;
// Absolute input positions. Entries left by earlier blocks or calls are harmless: a candidate is
// used only if it lies inside the block, before the cursor, and its 4 bytes match.
const table = new Int32Array(1 << HASH_BITS);

export const OUTPUT_FULL = -1;

/** Largest compressed size of an n-byte block. */
export function lz4BlockBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function hash(seq: number): number {
  return Math.imul(seq, 0x9e3779b1) >>> (32 - HASH_BITS);
}

function writeLength(dst: Uint8Array, op: number, rest: number): number {
  let n = rest;
  for (; n >= 255; n -= 255) dst[op++] = 255;
  dst[op++] = n;
  return op;
}

function writeLiterals(src: Uint8Array, from: number, to: number, dst: Uint8Array, op: number): number {
  if (to - from < 16) for (let i = from; i < to; i++) dst[op++] = src[i]!;
  else {
    dst.set(src.subarray(from, to), op);
    op += to - from;
  }
  return op;
}

function writeSequence(src: Uint8Array, anchor: number, matchAt: number, offset: number, matchEnd: number, dst: Uint8Array, op: number): number {
  const literals = matchAt - anchor;
  const matchRest = matchEnd - matchAt - MIN_MATCH;
  const tokenAt = op++;
  if (literals >= 15) op = writeLength(dst, op, literals - 15);
  op = writeLiterals(src, anchor, matchAt, dst, op);
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (matchRest >= 15) op = writeLength(dst, op, matchRest - 15);
  dst[tokenAt] = (Math.min(literals, 15) << 4) | Math.min(matchRest, 15);
  return op;
}

/** Compresses src[start, end) as one independent block into dst at op; returns the new op. */
export function lz4CompressBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, op: number): number {
  let anchor = start;
  if (end - start > MATCH_FIND_LIMIT) {
    const lastMatchStart = end - MATCH_FIND_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let ip = start;
    let misses = 1 << 6;
    while (ip <= lastMatchStart) {
      const seq = read32(src, ip);
      const h = hash(seq);
      const candidate = table[h]!;
      table[h] = ip;
      if (candidate < start || candidate >= ip || ip - candidate > MAX_OFFSET || read32(src, candidate) !== seq) {
        ip += misses++ >> 6;
        continue;
      }
      let matchAt = ip;
      let back = candidate;
      while (matchAt > anchor && back > start && src[matchAt - 1] === src[back - 1]) {
        matchAt--;
        back--;
      }
      let matchEnd = ip + MIN_MATCH;
      for (let f = candidate + MIN_MATCH; matchEnd < matchLimit && src[matchEnd] === src[f]; f++) matchEnd++;
      op = writeSequence(src, anchor, matchAt, ip - candidate, matchEnd, dst, op);
      ip = matchEnd;
      anchor = matchEnd;
      misses = 1 << 6;
      if (ip <= lastMatchStart) table[hash(read32(src, ip - 2))] = ip - 2;
    }
  }
  const literals = end - anchor;
  const tokenAt = op++;
  if (literals >= 15) op = writeLength(dst, op, literals - 15);
  dst[tokenAt] = Math.min(literals, 15) << 4;
  return writeLiterals(src, anchor, end, dst, op);
}

/**
 * Decodes the block in src[start, end) into dst at op; matches may reach back to windowStart (the
 * block's own start for independent blocks, the frame's for linked ones). Returns the new op, or
 * OUTPUT_FULL if the block would write past opLimit. `at` is added to input positions in errors.
 */
export function lz4DecompressBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  op: number,
  opLimit: number,
  windowStart: number,
  at: number,
): number {
  let ip = start;
  for (;;) {
    if (ip >= end) badCompression(at + ip, "lz4 block ends without a final literal run");
    const tokenAt = ip;
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      for (let b = 255; b === 255; ) {
        if (ip >= end) badCompression(at + tokenAt, "lz4 literal length runs past the end");
        b = src[ip++]!;
        literals += b;
      }
    }
    if (literals > end - ip) badCompression(at + tokenAt, `lz4 literals of ${literals} bytes run past the end`);
    if (literals > opLimit - op) return OUTPUT_FULL;
    op = writeLiterals(src, ip, ip + literals, dst, op);
    ip += literals;
    if (ip === end) return op;
    if (end - ip < 2) badCompression(at + ip, "lz4 match offset runs past the end");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - windowStart) badCompression(at + ip - 2, `lz4 match offset ${offset} out of range`);
    let length = (token & 15) + MIN_MATCH;
    if (length === 15 + MIN_MATCH) {
      for (let b = 255; b === 255; ) {
        if (ip >= end) badCompression(at + tokenAt, "lz4 match length runs past the end");
        b = src[ip++]!;
        length += b;
      }
    }
    if (length > opLimit - op) return OUTPUT_FULL;
    let from = op - offset;
    if (offset >= length && length >= 32) {
      dst.copyWithin(op, from, from + length);
      op += length;
    } else {
      // an offset below the length repeats the last `offset` bytes, so copy byte by byte
      for (const stop = op + length; op < stop; ) dst[op++] = dst[from++]!;
    }
  }
}
