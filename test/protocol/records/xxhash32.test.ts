import { describe, expect, test } from "bun:test";
import { xxhash32 } from "../../../src/protocol/records/compression/xxhash32.ts";
import { bytes, pseudoRandomBytes } from "./helpers.ts";

describe("xxhash32", () => {
  test("published vectors", () => {
    expect(xxhash32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxhash32(bytes("abc"))).toBe(0x32d153ff);
    expect(xxhash32(bytes("Nobody inspects the spammish repetition"))).toBe(0xe2293b2f);
  });

  test("a range hashes like the same bytes on their own", () => {
    const data = pseudoRandomBytes(100, 5);
    for (const [s, e] of [[0, 100], [3, 19], [7, 23], [50, 50], [1, 99]] as const) {
      expect(xxhash32(data, 0, s, e)).toBe(xxhash32(data.slice(s, e)));
    }
  });

  test("seed changes the hash", () => {
    expect(xxhash32(bytes("abc"), 1)).not.toBe(xxhash32(bytes("abc")));
  });
});
