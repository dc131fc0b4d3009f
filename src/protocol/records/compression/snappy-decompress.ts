import { badCompression, tooLarge } from "./limits.ts";

// Snappy raw block format: uvarint uncompressed length, then elements whose tag's low two bits
// say: 00 literal, 01 copy (1-byte offset), 10 copy (2-byte offset), 11 copy (4-byte offset).
// Multi-byte offsets and lengths are little-endian.

// Largest output per input byte: a 3-byte copy element yields 64 bytes.
const MAX_EXPANSION = 22;

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
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
    if (offset >= len && len >= 32) {
      dst.copyWithin(op, from, from + len);
      op += len;
    } else {
      // an offset below the length repeats the last `offset` bytes, so copy byte by byte
      for (const stop = op + len; op < stop; ) dst[op++] = dst[from++]!;
    }
  }
  if (op !== dstEnd) badCompression(at + end, `snappy block produced ${op - dstStart} of ${length} bytes`);
}

export function snappyDecompressRaw(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  const { length, next } = readSnappyLength(input, 0, input.length, maxBytes, at);
  const out = new Uint8Array(length);
  snappyDecodeElements(input, next, input.length, out, 0, length, at);
  return out;
}
