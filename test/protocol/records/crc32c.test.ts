import { describe, expect, test } from "bun:test";
import { crc32c as wasmCrc32c } from "@platformatic/wasm-utils";
import { crc32c } from "../../../src/protocol/records/crc32c.ts";
import { bytes, pseudoRandomBytes } from "./helpers.ts";

function bitwiseCrc32c(b: Uint8Array): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe("crc32c", () => {
  test("standard check value", () => {
    expect(crc32c(bytes("123456789"))).toBe(0xe3069283);
  });

  test("empty input", () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  test("is not the IEEE crc32", () => {
    expect(crc32c(bytes("123456789"))).not.toBe(Bun.hash.crc32(bytes("123456789")));
  });

  test("matches a bitwise reference at every length and alignment up to 100", () => {
    const data = pseudoRandomBytes(140, 7);
    for (let start = 0; start < 8; start++) {
      for (let n = 0; n <= 100; n++) {
        const b = data.subarray(start, start + n);
        expect(crc32c(b)).toBe(bitwiseCrc32c(b));
      }
    }
  });

  test("continues over chunks", () => {
    const data = pseudoRandomBytes(1000, 3);
    const whole = crc32c(data);
    for (const cut of [0, 1, 15, 16, 17, 500, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
  });

  test("agrees with an independent implementation on 1 MiB", () => {
    const data = pseudoRandomBytes(1 << 20, 11);
    expect(crc32c(data)).toBe(wasmCrc32c(data));
    expect(crc32c(data)).toBe(bitwiseCrc32c(data));
  });
});
