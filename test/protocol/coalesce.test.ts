import { expect, test } from "bun:test";
import { coalesce } from "../../src/protocol/coalesce.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

test("small neighbours share a buffer, in order; a large frame keeps its own, uncopied", () => {
  const large = bytes(70_000, 9);
  const parts = [bytes(3, 1), bytes(2, 2), large, bytes(1, 3), bytes(40_000, 4), bytes(40_000, 5)];
  const out = coalesce(parts);
  expect(out.map((b) => b.length)).toEqual([5, 70_000, 40_001, 40_000]);
  expect(out[1]).toBe(large);
  expect([...out[0]!]).toEqual([1, 1, 1, 2, 2]);
  expect(Buffer.concat(out)).toEqual(Buffer.concat(parts));
});

test("one frame or none comes back as it is", () => {
  const only = bytes(10, 7);
  expect(coalesce([only])).toEqual([only]);
  expect(coalesce([only])[0]).toBe(only);
  expect(coalesce([])).toEqual([]);
});
