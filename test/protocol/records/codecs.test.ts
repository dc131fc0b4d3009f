import { describe, expect, test } from "bun:test";
import { CODECS } from "../../../src/protocol/records/attributes.ts";
import { compress, decompress } from "../../../src/protocol/records/compression/index.ts";
import { bytes, concat, decodeErrorOrResult, expectDecodeError, jsonValues, pseudoRandomBytes } from "./helpers.ts";

const samples: [string, Uint8Array][] = [
  ["empty", new Uint8Array(0)],
  ["one byte", bytes("x")],
  ["short text", bytes("hello hello hello hello hello")],
  ["json records", concat(...jsonValues(2000))],
  ["incompressible", pseudoRandomBytes(150_000, 9)],
  ["zeros", new Uint8Array(300_000)],
];

describe.each(CODECS.filter((c) => c !== "none"))("%s", (codec) => {
  test.each(samples)("round trip: %s", (_, input) => {
    const packed = compress(codec, input);
    expect(decompress(codec, packed)).toEqual(input);
  });

  test("compresses repetitive data", () => {
    const input = concat(...jsonValues(2000));
    expect(compress(codec, input).length).toBeLessThan(input.length / 2);
  });

  test("output beyond maxBytes is a DecodeError", () => {
    const packed = compress(codec, new Uint8Array(1 << 20));
    expectDecodeError(() => decompress(codec, packed, 100_000), "bad-compression");
    expect(decompress(codec, packed, 1 << 20).length).toBe(1 << 20);
  });

  test("truncations and garbage give DecodeError", () => {
    const packed = compress(codec, concat(...jsonValues(20)));
    for (let n = 0; n < packed.length; n++) expectDecodeError(() => decompress(codec, packed.subarray(0, n)), "bad-compression");
    for (let seed = 1; seed <= 50; seed++) decodeErrorOrResult(() => decompress(codec, pseudoRandomBytes(200, seed)));
  });

  test("flipped bits give DecodeError or some output", () => {
    const input = concat(...jsonValues(10));
    const packed = compress(codec, input);
    for (let bit = 0; bit < packed.length * 8; bit += 3) {
      const bad = packed.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      decodeErrorOrResult(() => decompress(codec, bad, 1 << 20));
    }
  });

  test("errors carry the position passed as `at`", () => {
    const e = expectDecodeError(() => decompress(codec, bytes("not compressed at all"), 1000, 61));
    expect(e.offset).toBeGreaterThanOrEqual(61);
  });
});
