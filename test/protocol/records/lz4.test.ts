import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lz4Compress as wasmLz4Compress, lz4Decompress as wasmLz4Decompress } from "@platformatic/wasm-utils";
import { lz4Compress, lz4Decompress } from "../../../src/protocol/records/compression/lz4.ts";
import { xxhash32 } from "../../../src/protocol/records/compression/xxhash32.ts";
import { bytes, concat, expectDecodeError, jsonValues, pseudoRandomBytes } from "./helpers.ts";

const MAX = 1 << 26;
const LZ4_CLI = "/usr/bin/lz4";

function le32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** A frame built by hand: descriptor (FLG, BD, optional fields) with its checksum, then raw body bytes. */
function frame(flg: number, bd: number, fields: Uint8Array, ...body: Uint8Array[]): Uint8Array {
  const descriptor = concat(Uint8Array.of(flg, bd), fields);
  return concat(le32(0x184d2204), descriptor, Uint8Array.of((xxhash32(descriptor) >>> 8) & 0xff), ...body);
}

const INDEPENDENT = 0x60; // version 01, block independence
const LINKED = 0x40;
const BD_64K = 0x40;
const END = le32(0);

describe("lz4 frame", () => {
  test("round trips at block-size edges", () => {
    const data = concat(...jsonValues(3000));
    for (const n of [0, 1, 5, 12, 13, 100, 65535, 65536, 65537, 200_000]) {
      const input = data.subarray(0, n);
      expect(lz4Decompress(lz4Compress(input), MAX)).toEqual(input);
    }
  });

  test("incompressible blocks are stored with the uncompressed bit", () => {
    const input = pseudoRandomBytes(1000, 8);
    const packed = lz4Compress(input);
    const blockSize = new DataView(packed.buffer, packed.byteOffset).getUint32(7, true);
    expect(blockSize).toBe((0x80000000 | 1000) >>> 0);
    expect(lz4Decompress(packed, MAX)).toEqual(input);
  });

  test("hand-made frames: linked blocks, content size, block checksums, skippable and concatenated frames", () => {
    const first = concat(Uint8Array.of(0x80), bytes("abcdefgh")); // 8 literals
    // a match of 8 at offset 8 reaching into the previous block, then 5 literals
    const second = concat(Uint8Array.of(0x04, 0x08, 0x00, 0x50), bytes("vwxyz"));
    const blocks = concat(le32(first.length), first, le32(second.length), second, END);
    expect(new TextDecoder().decode(lz4Decompress(frame(LINKED, BD_64K, new Uint8Array(0), blocks), MAX))).toBe("abcdefghabcdefghvwxyz");
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), blocks), MAX), "bad-compression");

    const size = concat(le32(8), le32(0));
    const sized = frame(INDEPENDENT | 0x08, BD_64K, size, le32(first.length), first, END);
    expect(lz4Decompress(sized, MAX)).toEqual(bytes("abcdefgh"));
    const wrongSize = frame(INDEPENDENT | 0x08, BD_64K, concat(le32(9), le32(0)), le32(first.length), first, END);
    expectDecodeError(() => lz4Decompress(wrongSize, MAX), "bad-compression");
    const hugeSize = frame(INDEPENDENT | 0x08, BD_64K, concat(le32(0), le32(1)), le32(first.length), first, END);
    expectDecodeError(() => lz4Decompress(hugeSize, MAX), "bad-compression");

    const checked = frame(INDEPENDENT | 0x10, BD_64K, new Uint8Array(0), le32(first.length), first, le32(xxhash32(first)), END);
    expect(lz4Decompress(checked, MAX)).toEqual(bytes("abcdefgh"));
    const badCheck = frame(INDEPENDENT | 0x10, BD_64K, new Uint8Array(0), le32(first.length), first, le32(xxhash32(first) ^ 1), END);
    expectDecodeError(() => lz4Decompress(badCheck, MAX), "bad-compression");

    const skippable = concat(le32(0x184d2a53), le32(3), Uint8Array.of(1, 2, 3));
    const two = concat(skippable, lz4Compress(bytes("one ")), lz4Compress(bytes("two")));
    expect(new TextDecoder().decode(lz4Decompress(two, MAX))).toBe("one two");
  });

  test("header, content checksum and reserved bits are checked", () => {
    const packed = lz4Compress(bytes("hello hello hello hello"));
    for (const [at, xor] of [[6, 1], [packed.length - 1, 1], [4, 0x02], [5, 0x01], [4, 0x80], [5, 0x70]] as const) {
      const bad = packed.slice();
      bad[at]! ^= xor;
      expectDecodeError(() => lz4Decompress(bad, MAX), "bad-compression");
    }
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT | 0x01, BD_64K, le32(7), END), MAX), "bad-compression"); // dictionary
  });

  test("a block larger than the frame's block maximum is rejected", () => {
    const big = pseudoRandomBytes(70_000, 1);
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), le32((0x80000000 | big.length) >>> 0), big, END), MAX), "bad-compression");
  });

  test("a bomb stops at maxBytes", () => {
    const packed = lz4Compress(new Uint8Array(8 << 20));
    expect(packed.length).toBeLessThan(50_000);
    expectDecodeError(() => lz4Decompress(packed, 1 << 20), "bad-compression");
  });

  test("block decoding rejects bad offsets and overruns", () => {
    const zeroOffset = concat(Uint8Array.of(0x10, 0x61, 0x00, 0x00, 0x00));
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), le32(zeroOffset.length), zeroOffset, END), MAX));
    const farOffset = concat(Uint8Array.of(0x10, 0x61, 0x05, 0x00, 0x00));
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), le32(farOffset.length), farOffset, END), MAX));
    const noFinalLiterals = concat(Uint8Array.of(0x10, 0x61, 0x01, 0x00));
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), le32(noFinalLiterals.length), noFinalLiterals, END), MAX));
    const longLiterals = Uint8Array.of(0xf0, 0xff, 0xff, 0x10, 0x61);
    expectDecodeError(() => lz4Decompress(frame(INDEPENDENT, BD_64K, new Uint8Array(0), le32(longLiterals.length), longLiterals, END), MAX));
  });

  test("interoperates with an independent implementation both ways", () => {
    for (const input of [bytes("a"), concat(...jsonValues(5000)), pseudoRandomBytes(100_000, 6)]) {
      const back: Uint8Array = new Uint8Array(wasmLz4Decompress(Buffer.from(lz4Compress(input))));
      expect(back).toEqual(input);
      expect(lz4Decompress(wasmLz4Compress(Buffer.from(input)), MAX)).toEqual(input);
    }
  });

  test.skipIf(!existsSync(LZ4_CLI))("interoperates with the lz4 command both ways, in every frame option", () => {
    const dir = mkdtempSync(join(tmpdir(), "lz4-"));
    const input = concat(...jsonValues(8000), pseudoRandomBytes(30_000, 2));
    const raw = join(dir, "raw");
    writeFileSync(raw, input);
    writeFileSync(join(dir, "ours.lz4"), lz4Compress(input));
    const decoded = Bun.spawnSync([LZ4_CLI, "-d", "-c", join(dir, "ours.lz4")]);
    expect(decoded.exitCode).toBe(0);
    const back: Uint8Array = new Uint8Array(decoded.stdout);
    expect(back).toEqual(input);
    for (const flags of [[], ["-BD"], ["-BX"], ["--content-size"], ["--no-frame-crc"], ["-B5", "-BD", "-BX"], ["-B7", "-9"], ["-l"]]) {
      const packed = Bun.spawnSync([LZ4_CLI, "-c", ...flags, raw]);
      expect(packed.exitCode).toBe(0);
      if (flags.includes("-l")) {
        // the legacy format (magic 0x184C2102) is not Kafka's: it must be refused, not misread
        expectDecodeError(() => lz4Decompress(new Uint8Array(packed.stdout), MAX), "bad-compression");
      } else {
        expect(lz4Decompress(new Uint8Array(packed.stdout), MAX)).toEqual(input);
      }
    }
    rmSync(dir, { recursive: true });
  });
});
