import { badCompression, tooLarge } from "./limits.ts";
import { snappyCompressRaw } from "./snappy-compress.ts";
import { readSnappyLength, snappyDecodeElements, snappyDecompressRaw } from "./snappy-decompress.ts";

// Java's and kafka-python's producers wrap snappy in xerial's stream framing: the magic
// 82 'SNAPPY' 00, int32 version, int32 compatible version, then chunks of big-endian int32 length +
// raw snappy block. librdkafka sends one raw block. Decoding accepts both; encoding writes raw,
// which every client's decoder accepts.

export const XERIAL_MAGIC = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00);
const XERIAL_HEADER_SIZE = 16;

export function isXerial(input: Uint8Array): boolean {
  if (input.length < XERIAL_MAGIC.length) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (input[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

export function snappyCompress(input: Uint8Array): Uint8Array {
  return snappyCompressRaw(input);
}

export function snappyDecompress(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  return isXerial(input) ? xerialDecompress(input, maxBytes, at) : snappyDecompressRaw(input, maxBytes, at);
}

function xerialDecompress(input: Uint8Array, maxBytes: number, at: number): Uint8Array {
  if (input.length < XERIAL_HEADER_SIZE) badCompression(at, "xerial snappy header truncated");
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  // [elementsStart, elementsEnd, length] per chunk; sizes are summed before anything is allocated
  const chunks: number[] = [];
  let total = 0;
  for (let p = XERIAL_HEADER_SIZE; p < input.length; ) {
    if (input.length - p < 4) badCompression(at + p, "xerial chunk length truncated");
    const size = view.getInt32(p);
    if (size < 0 || size > input.length - p - 4) badCompression(at + p, `xerial chunk length ${size} out of range`);
    const { length, next } = readSnappyLength(input, p + 4, p + 4 + size, maxBytes, at);
    total += length;
    if (total > maxBytes) tooLarge(at + p, total, maxBytes);
    p += 4 + size;
    chunks.push(next, p, length);
  }
  const out = new Uint8Array(total);
  let op = 0;
  for (let i = 0; i < chunks.length; i += 3) {
    const length = chunks[i + 2]!;
    snappyDecodeElements(input, chunks[i]!, chunks[i + 1]!, out, op, length, at);
    op += length;
  }
  return out;
}
