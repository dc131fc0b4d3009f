import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import * as zlib from "node:zlib";
import { gzipDecompress, zstdDecompress } from "../../../src/protocol/records/compression/native.ts";
import { bytes, concat, expectDecodeError, jsonValues } from "./helpers.ts";

const MAX = 1 << 26;
const ZSTD_CLI = "/usr/bin/zstd";

describe("zstd", () => {
  test("a frame without a content size (as Java writes) decodes", () => {
    const input = concat(...jsonValues(1000));
    const packed = zlib.zstdCompressSync(input, { params: { [zlib.constants.ZSTD_c_contentSizeFlag]: 0 } });
    expect(packed[4]! >>> 6).toBe(0); // frame header descriptor: no content size field
    expect(packed[4]! & 0x20).toBe(0); // nor the single-segment form that implies one
    expect(zstdDecompress(packed, MAX)).toEqual(input);
  });

  test("a hand-made frame: no content size, one raw block, then one RLE block", () => {
    const text = bytes("raw block ");
    const rawHeader = (text.length << 3) | 0; // not last, raw
    const rleHeader = (5 << 3) | (1 << 1) | 1; // last, RLE of 5
    const frame = concat(
      Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00), // magic, descriptor (nothing optional), window descriptor
      Uint8Array.of(rawHeader & 0xff, (rawHeader >> 8) & 0xff, rawHeader >> 16),
      text,
      Uint8Array.of(rleHeader & 0xff, (rleHeader >> 8) & 0xff, rleHeader >> 16, 0x21),
    );
    expect(new TextDecoder().decode(zstdDecompress(frame, MAX))).toBe("raw block !!!!!");
  });

  test.skipIf(!existsSync(ZSTD_CLI))("the zstd command's streamed frames (no content size) decode", () => {
    const input = concat(...jsonValues(2000));
    const packed = Bun.spawnSync([ZSTD_CLI, "-c", "-q"], { stdin: input });
    expect(packed.exitCode).toBe(0);
    expect(packed.stdout[4]! >>> 6).toBe(0);
    expect(zstdDecompress(new Uint8Array(packed.stdout), MAX)).toEqual(input);
  });

  test("trailing bytes after the last frame, a truncated checksum and reserved blocks are rejected", () => {
    const packed = zlib.zstdCompressSync(bytes("hello hello hello"), { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } });
    expectDecodeError(() => zstdDecompress(concat(packed, bytes("junk")), MAX), "bad-compression");
    expectDecodeError(() => zstdDecompress(packed.subarray(0, packed.length - 2), MAX), "bad-compression");
    const bad = new Uint8Array(packed);
    bad[bad.length - 1]! ^= 1;
    expectDecodeError(() => zstdDecompress(bad, MAX), "bad-compression");
    const reserved = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00);
    expectDecodeError(() => zstdDecompress(reserved, MAX), "bad-compression");
    expect(zstdDecompress(concat(packed, packed), MAX)).toEqual(bytes("hello hello hellohello hello hello"));
  });

  test("a bomb stops at the default cap", () => {
    const packed = zlib.zstdCompressSync(new Uint8Array(100 << 20));
    expect(packed.length).toBeLessThan(10_000);
    expectDecodeError(() => zstdDecompress(packed, MAX), "bad-compression");
  });
});

describe("gzip", () => {
  test("a bomb stops at the default cap", () => {
    const packed = zlib.gzipSync(new Uint8Array(100 << 20), { level: 1 });
    expectDecodeError(() => gzipDecompress(packed, MAX), "bad-compression");
  });

  test("several members decode as one stream", () => {
    expect(gzipDecompress(concat(zlib.gzipSync(bytes("one ")), zlib.gzipSync(bytes("two"))), MAX)).toEqual(bytes("one two"));
  });

  test("truncated and corrupted streams are DecodeErrors", () => {
    const packed = zlib.gzipSync(concat(...jsonValues(50)));
    expectDecodeError(() => gzipDecompress(packed.subarray(0, packed.length - 1), MAX), "bad-compression");
    const bad = new Uint8Array(packed);
    bad[packed.length - 6]! ^= 0xff; // CRC-32 in the trailer
    expectDecodeError(() => gzipDecompress(bad, MAX), "bad-compression");
  });
});
