import { badCompression, tooLarge } from "./limits.ts";
import { lz4BlockBound, lz4CompressBlock, lz4DecompressBlock, OUTPUT_FULL } from "./lz4-block.ts";
import { BoundedOutput } from "./output.ts";
import { xxhash32 } from "./xxhash32.ts";

// LZ4 frame format (what Kafka's lz4 codec carries in magic v2): magic 0x184D2204 (little-endian),
// FLG, BD, optional content size (u64) and dictionary id (u32), header checksum
// (xxhash32 of FLG..end of descriptor, >> 8, low byte), then blocks of u32 size (high bit set =
// stored uncompressed; 0 = end mark) + data + optional u32 block checksum, then an optional
// content checksum (xxhash32 of all decompressed bytes). All integers are little-endian.

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC = 0x184d2a50; // low nibble free: 0x184D2A50..0x184D2A5F
const FLG_VERSION = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const UNCOMPRESSED_BIT = 0x80000000;
const BLOCK_MAX_SIZES = [0, 0, 0, 0, 1 << 16, 1 << 18, 1 << 20, 1 << 22];
const ENCODE_BLOCK_SIZE = 1 << 16;
const ENCODE_BD = 4 << 4; // 64 KiB blocks, like Java's Kafka client

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function putU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = v >>> 24;
}

/** One frame as Java's Kafka client writes it: independent 64 KiB blocks, no checksums but the header's. */
export function lz4Compress(input: Uint8Array): Uint8Array {
  const n = input.length;
  const blocks = Math.ceil(n / ENCODE_BLOCK_SIZE);
  const out = new Uint8Array(7 + blocks * (4 + lz4BlockBound(ENCODE_BLOCK_SIZE)) + 4);
  putU32(out, 0, FRAME_MAGIC);
  out[4] = FLG_VERSION | FLG_BLOCK_INDEPENDENT;
  out[5] = ENCODE_BD;
  out[6] = (xxhash32(out, 0, 4, 6) >>> 8) & 0xff;
  let op = 7;
  for (let start = 0; start < n; start += ENCODE_BLOCK_SIZE) {
    const end = Math.min(start + ENCODE_BLOCK_SIZE, n);
    const compressedEnd = lz4CompressBlock(input, start, end, out, op + 4);
    if (compressedEnd - op - 4 < end - start) {
      putU32(out, op, compressedEnd - op - 4);
      op = compressedEnd;
    } else {
      putU32(out, op, (end - start) | UNCOMPRESSED_BIT);
      out.set(input.subarray(start, end), op + 4);
      op += 4 + end - start;
    }
  }
  putU32(out, op, 0);
  return out.subarray(0, op + 4);
}

/** Decodes one or more concatenated frames (skippable frames are skipped). */
export function lz4Decompress(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  if (input.length === 0) badCompression(at, "empty lz4 input");
  const out = new BoundedOutput(maxBytes, at);
  let p = 0;
  while (p < input.length) {
    if (input.length - p < 4) badCompression(at + p, "lz4 magic truncated");
    const magic = u32(input, p);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      if (input.length - p < 8) badCompression(at + p, "lz4 skippable frame truncated");
      const size = u32(input, p + 4);
      if (size > input.length - p - 8) badCompression(at + p, "lz4 skippable frame runs past the end");
      p += 8 + size;
    } else if (magic === FRAME_MAGIC) {
      p = decodeFrame(input, p + 4, out, at);
    } else {
      badCompression(at + p, `bad lz4 frame magic 0x${magic.toString(16)}`);
    }
  }
  return out.result();
}

/**
 * Decodes one compressed block, growing the output as it goes: room for a typical ratio first,
 * more only when the block needs it, never past the block maximum or maxBytes.
 */
function decodeBlock(input: Uint8Array, p: number, size: number, blockMax: number, out: BoundedOutput, windowStart: number, at: number): number {
  // one compressed byte yields at most 255 bytes (a length-extension byte)
  const bound = Math.min(blockMax, size * 255 + 19);
  for (let room = Math.min(bound, size * 4 + 1024); ; room = Math.min(bound, room * 4)) {
    const limit = out.ensureUpTo(room);
    const op = lz4DecompressBlock(input, p, p + size, out.buf, out.pos, limit, windowStart, at);
    if (op !== OUTPUT_FULL) return op;
    if (limit === out.maxBytes) tooLarge(at + p, limit + 1, out.maxBytes);
    if (room === bound) badCompression(at + p, `lz4 block decodes to more than the frame's ${blockMax}-byte block size`);
  }
}

function need(input: Uint8Array, p: number, n: number, at: number, what: string): void {
  if (input.length - p < n) badCompression(at + p, `lz4 ${what} truncated`);
}

function decodeFrame(input: Uint8Array, descriptorStart: number, out: BoundedOutput, at: number): number {
  let p = descriptorStart;
  need(input, p, 2, at, "frame descriptor");
  const flg = input[p]!;
  const bd = input[p + 1]!;
  if ((flg & 0xc2) !== FLG_VERSION) badCompression(at + p, `lz4 frame flags 0x${flg.toString(16)}: bad version or reserved bit`);
  if (flg & FLG_DICT_ID) badCompression(at + p, "lz4 dictionaries are not supported");
  const blockMax = BLOCK_MAX_SIZES[(bd >>> 4) & 7]!;
  if ((bd & 0x8f) !== 0 || blockMax === 0) badCompression(at + p + 1, `lz4 block descriptor 0x${bd.toString(16)} invalid`);
  p += 2;
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    need(input, p, 8, at, "content size");
    const hi = u32(input, p + 4);
    contentSize = hi * 0x1_0000_0000 + u32(input, p);
    if (hi > 0x1fffff || out.pos + contentSize > out.maxBytes) tooLarge(at + p, out.pos + contentSize, out.maxBytes);
    p += 8;
  }
  need(input, p, 1, at, "header checksum");
  if (input[p] !== ((xxhash32(input, 0, descriptorStart, p) >>> 8) & 0xff)) badCompression(at + p, "lz4 header checksum mismatch");
  p++;

  if (contentSize > 0) out.ensure(Math.min(contentSize, (input.length - p) * 255));
  const frameStart = out.pos;
  const independent = (flg & FLG_BLOCK_INDEPENDENT) !== 0;
  const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  for (;;) {
    need(input, p, 4, at, "block size");
    const word = u32(input, p);
    const sizeAt = p;
    p += 4;
    if (word === 0) break;
    const size = (word & ~UNCOMPRESSED_BIT) >>> 0;
    if (size > blockMax) badCompression(at + sizeAt, `lz4 block of ${size} bytes exceeds the frame's ${blockMax}`);
    need(input, p, blockChecksum ? size + 4 : size, at, "block");
    if (blockChecksum && xxhash32(input, 0, p, p + size) !== u32(input, p + size)) {
      badCompression(at + p + size, "lz4 block checksum mismatch");
    }
    if (word & UNCOMPRESSED_BIT) {
      out.ensure(size, at + sizeAt);
      out.buf.set(input.subarray(p, p + size), out.pos);
      out.pos += size;
    } else {
      out.pos = decodeBlock(input, p, size, blockMax, out, independent ? out.pos : frameStart, at);
    }
    p += blockChecksum ? size + 4 : size;
  }
  if (flg & FLG_CONTENT_CHECKSUM) {
    need(input, p, 4, at, "content checksum");
    if (xxhash32(out.buf, 0, frameStart, out.pos) !== u32(input, p)) badCompression(at + p, "lz4 content checksum mismatch");
    p += 4;
  }
  if (contentSize >= 0 && out.pos - frameStart !== contentSize) {
    badCompression(at + descriptorStart, `lz4 frame declared ${contentSize} bytes, held ${out.pos - frameStart}`);
  }
  return p;
}
