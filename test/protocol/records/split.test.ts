import { describe, expect, test } from "bun:test";
import { encodeBatch, splitBatches, validateBatch } from "../../../src/protocol/records/index.ts";
import { bytes, concat, expectDecodeError } from "./helpers.ts";

const a = encodeBatch([{ value: bytes("first") }], { baseOffset: 0 });
const b = encodeBatch([{ value: bytes("second") }, { value: bytes("third") }], { baseOffset: 1, codec: "lz4" });
const c = encodeBatch([{ value: bytes("fourth") }], { baseOffset: 3, codec: "gzip" });

describe("splitBatches", () => {
  test("splits concatenated batches", () => {
    const { batches, partial } = splitBatches(concat(a, b, c));
    expect(batches).toEqual([a, b, c]);
    expect(partial.length).toBe(0);
    for (const batch of batches) validateBatch(batch);
  });

  test("reports a trailing partial batch at every cut", () => {
    const all = concat(a, b);
    for (let n = 0; n <= all.length; n++) {
      const { batches, partial } = splitBatches(all.subarray(0, n));
      const whole = n === all.length ? 2 : n >= a.length ? 1 : 0;
      expect(batches.length).toBe(whole);
      expect(partial.length).toBe(n - (whole === 0 ? 0 : whole === 1 ? a.length : all.length));
    }
  });

  test("empty records", () => {
    expect(splitBatches(new Uint8Array(0))).toEqual({ batches: [], partial: new Uint8Array(0) });
  });

  test("a batchLength shorter than a header is a DecodeError at its position", () => {
    const bad = concat(a, a);
    new DataView(bad.buffer).setInt32(a.length + 8, 10);
    expect(expectDecodeError(() => splitBatches(bad), "bad-value").offset).toBe(a.length + 8);
    new DataView(bad.buffer).setInt32(a.length + 8, -1);
    expectDecodeError(() => splitBatches(bad), "bad-value");
  });
});
