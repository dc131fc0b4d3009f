import { describe, expect, test } from "bun:test";
import { snappyCompress as wasmSnappyCompress, snappyDecompress as wasmSnappyDecompress } from "@platformatic/wasm-utils";
import { snappyCompress, snappyDecompress, XERIAL_MAGIC } from "../../../src/protocol/records/compression/snappy.ts";
import { bytes, concat, expectDecodeError, jsonValues, pseudoRandomBytes } from "./helpers.ts";

const MAX = 1 << 26;
const text = new TextDecoder();

function be32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

/** xerial framing as Java's SnappyOutputStream writes it: magic, version 1, compatible version 1, chunks. */
function xerial(...chunks: Uint8Array[]): Uint8Array {
  return concat(XERIAL_MAGIC, be32(1), be32(1), ...chunks.flatMap((c) => [be32(c.length), c]));
}

describe("snappy raw", () => {
  test("hand-made blocks from the format description", () => {
    expect(snappyDecompress(Uint8Array.of(0x00), MAX)).toEqual(new Uint8Array(0));
    // length 10; literal "ab"; copy length 8 from offset 2 (1-byte offset form)
    expect(text.decode(snappyDecompress(Uint8Array.of(10, 0x04, 0x61, 0x62, 0x11, 0x02), MAX))).toBe("ababababab");
    // length 7; literal "abc"; copy length 4 from offset 3 (2-byte offset form)
    expect(text.decode(snappyDecompress(Uint8Array.of(7, 0x08, 0x61, 0x62, 0x63, 0x0e, 0x03, 0x00), MAX))).toBe("abcabca");
    // length 5; copy with a 4-byte offset
    expect(text.decode(snappyDecompress(Uint8Array.of(5, 0x00, 0x7a, 0x0f, 0x01, 0, 0, 0), MAX))).toBe("zzzzz");
    // a 61-byte literal uses the one-extra-byte length form
    const long = bytes("x".repeat(61));
    expect(snappyDecompress(concat(Uint8Array.of(61, 60 << 2, 60), long), MAX)).toEqual(long);
  });

  test("our blocks decode with an independent implementation, and theirs with ours", () => {
    for (const input of [bytes("a"), concat(...jsonValues(3000)), pseudoRandomBytes(100_000, 4), new Uint8Array(200_000)]) {
      const back: Uint8Array = new Uint8Array(wasmSnappyDecompress(Buffer.from(snappyCompress(input))));
      expect(back).toEqual(input);
      expect(snappyDecompress(wasmSnappyCompress(Buffer.from(input)), MAX)).toEqual(input);
    }
  });

  test("bad offsets, overruns and short output are DecodeErrors", () => {
    expectDecodeError(() => snappyDecompress(Uint8Array.of(4, 0x01, 0x00), MAX), "bad-compression"); // offset 0
    expectDecodeError(() => snappyDecompress(Uint8Array.of(8, 0x00, 0x61, 0x11, 0x02), MAX), "bad-compression"); // offset past start
    expectDecodeError(() => snappyDecompress(Uint8Array.of(2, 0x04, 0x61, 0x62, 0x00, 0x63), MAX), "bad-compression"); // overrun
    expectDecodeError(() => snappyDecompress(Uint8Array.of(5, 0x04, 0x61, 0x62), MAX), "bad-compression"); // short
    expectDecodeError(() => snappyDecompress(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), MAX), "bad-compression"); // 6-byte varint
  });

  test("a declared length beyond maxBytes or beyond what the input could produce fails before allocating", () => {
    expectDecodeError(() => snappyDecompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00), MAX), "bad-compression");
    const e = expectDecodeError(() => snappyDecompress(Uint8Array.of(0x80, 0x80, 0x40, 0x00, 0x61), MAX), "bad-compression");
    expect(e.message).toContain("impossible");
  });
});

describe("snappy xerial framing", () => {
  test("decodes several chunks", () => {
    const parts = [bytes("first chunk "), concat(...jsonValues(500)), bytes("last")];
    expect(snappyDecompress(xerial(...parts.map(snappyCompress)), MAX)).toEqual(concat(...parts));
  });

  test("decodes chunks made by an independent implementation", () => {
    const parts = [concat(...jsonValues(300)), pseudoRandomBytes(5000, 2)];
    const framed = xerial(...parts.map((p) => new Uint8Array(wasmSnappyCompress(Buffer.from(p)))));
    expect(snappyDecompress(framed, MAX)).toEqual(concat(...parts));
  });

  test("header alone is empty output", () => {
    expect(snappyDecompress(xerial(), MAX)).toEqual(new Uint8Array(0));
  });

  test("bad chunk lengths and the total size limit are DecodeErrors", () => {
    const chunk = snappyCompress(new Uint8Array(1000));
    const good = xerial(chunk, chunk);
    for (let n = 8; n < good.length; n++) {
      if (n === 16 || n === 20 + chunk.length) continue; // chunk boundaries: a shorter valid stream
      expectDecodeError(() => snappyDecompress(good.subarray(0, n), MAX), "bad-compression");
    }
    const negative = good.slice();
    new DataView(negative.buffer).setInt32(16, -1);
    expectDecodeError(() => snappyDecompress(negative, MAX), "bad-compression");
    expectDecodeError(() => snappyDecompress(good, 1500), "bad-compression");
    expect(snappyDecompress(good, 2000).length).toBe(2000);
  });
});
