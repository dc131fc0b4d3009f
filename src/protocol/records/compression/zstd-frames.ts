import { badCompression } from "./limits.ts";

// Bun's node:zlib zstd decoder returns whatever it decoded so far when input ends mid-frame and
// ignores bytes after the last frame, so the frame structure is walked first: the input must be
// whole zstd frames (or skippable frames) and nothing else. Layout per RFC 8878: magic
// 0xFD2FB528 (LE), frame header descriptor, header fields, blocks of 3-byte LE header
// (bit 0 last, bits 1–2 type, bits 3–23 size) + content, optional 4-byte checksum.

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50; // low nibble free
const DICT_ID_SIZES = [0, 1, 2, 4];
const RLE_BLOCK = 1;
const RESERVED_BLOCK = 3;

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** Fails with DecodeError "bad-compression" unless `input` is a sequence of whole frames. */
export function checkZstdFrames(input: Uint8Array, at: number): void {
  if (input.length === 0) badCompression(at, "empty zstd input");
  const need = (p: number, n: number, what: string): void => {
    if (input.length - p < n) badCompression(at + p, `zstd ${what} truncated`);
  };
  let p = 0;
  while (p < input.length) {
    need(p, 4, "magic");
    const magic = u32(input, p);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      need(p, 8, "skippable frame");
      const size = u32(input, p + 4);
      need(p + 8, size, "skippable frame");
      p += 8 + size;
      continue;
    }
    if (magic !== ZSTD_MAGIC) badCompression(at + p, `bad zstd frame magic 0x${magic.toString(16)}`);
    p += 4;
    need(p, 1, "frame header");
    const descriptor = input[p]!;
    if (descriptor & 0x08) badCompression(at + p, "zstd frame header reserved bit set");
    const singleSegment = (descriptor & 0x20) !== 0;
    const contentSizeFlag = descriptor >>> 6;
    const contentSizeBytes = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : 1 << contentSizeFlag;
    const headerSize = 1 + (singleSegment ? 0 : 1) + DICT_ID_SIZES[descriptor & 3]! + contentSizeBytes;
    need(p, headerSize, "frame header");
    p += headerSize;
    for (let last = false; !last; ) {
      need(p, 3, "block header");
      const header = input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16);
      last = (header & 1) !== 0;
      const type = (header >>> 1) & 3;
      if (type === RESERVED_BLOCK) badCompression(at + p, "zstd reserved block type");
      const size = type === RLE_BLOCK ? 1 : header >>> 3;
      need(p + 3, size, "block");
      p += 3 + size;
    }
    if (descriptor & 0x04) {
      need(p, 4, "checksum");
      p += 4;
    }
  }
}
