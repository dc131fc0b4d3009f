// The produce check's fast path: it may say "decodes" only where avsc's decoding succeeds, so the
// check stays exactly as strict; and it says so for the plain encodings producers send.

import { expect, test } from "bun:test";
import avro from "avsc";
import { avroSkimmer } from "../../src/schema/avro-skim.ts";
import { compileSchema } from "../../src/schema/compile.ts";

const inner = { type: "record", name: "Inner", fields: [{ name: "x", type: "int" }] };
const node = { type: "record", name: "Node", fields: [{ name: "n", type: "int" }, { name: "next", type: ["null", "Node"] }] };
const EVERY = {
  type: "record",
  name: "Every",
  fields: [
    { name: "b", type: "boolean" },
    { name: "i", type: "int" },
    { name: "l", type: "long" },
    { name: "ts", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "f", type: "float" },
    { name: "d", type: "double" },
    { name: "by", type: "bytes" },
    { name: "s", type: "string" },
    { name: "fx", type: { type: "fixed", name: "Four", size: 4 } },
    { name: "e", type: { type: "enum", name: "Size", symbols: ["S", "M", "L"] } },
    { name: "a", type: { type: "array", items: ["null", "string"] } },
    { name: "m", type: { type: "map", values: "long" } },
    { name: "u", type: ["null", "int", "string", inner] },
    { name: "r", type: ["null", node] },
    { name: "none", type: { type: "record", name: "Empty", fields: [] } },
  ],
};

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test("the fast path accepts only what avsc decodes, and the plain encodings of random values", async () => {
  const schema = await compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: EVERY }] }), "every.avsc");
  const definition = schema.value!.definition;
  if (definition.format !== "avro") throw new Error("expected an Avro part");
  const type = definition.type;
  const decodes = avroSkimmer(type);
  const avscDecodes = (bytes: Uint8Array) => {
    try {
      type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return true;
    } catch {
      return false;
    }
  };
  // values of the same schema from plain avsc: the binary encoding is the same
  const plain = avro.Type.forSchema(EVERY as avro.Schema, { wrapUnions: true });
  const seeds = Array.from({ length: 500 }, () => new Uint8Array(plain.toBuffer(plain.random())));
  for (const bytes of seeds) expect(decodes(bytes)).toBe("decodes");

  const next = random(0x5eed);
  let refused = 0;
  for (let i = 0; i < 50_000; i++) {
    let bytes: Uint8Array;
    if (i % 4 === 0) bytes = Uint8Array.from({ length: Math.floor(next() * 96) }, () => Math.floor(next() * 256));
    else {
      bytes = Uint8Array.from(seeds[i % seeds.length]!);
      for (let m = 0; m < 1 + Math.floor(next() * 3); m++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      if (next() < 0.3) bytes = bytes.subarray(0, Math.floor(next() * bytes.length));
      if (next() < 0.1) bytes = Uint8Array.of(...bytes, Math.floor(next() * 256));
    }
    // (avsc is not asked about the rest: a garbled block count makes it read for long)
    if (decodes(bytes) === "decodes") expect(avscDecodes(bytes)).toBe(true);
    else refused++;
  }
  expect(refused).toBeGreaterThan(10_000);
});

test("empty items and blocks with their byte size decode; what the fast path cannot judge is left to avsc", async () => {
  const schema = await compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: { type: "array", items: "null" } }] }), "nulls.avsc");
  const part = schema.value!;
  if (part.definition.format !== "avro") throw new Error("expected an Avro part");
  const decodes = avroSkimmer(part.definition.type);
  // three nulls: more items than bytes left, but valid
  expect(decodes(Uint8Array.of(6, 0))).toBe("decodes");
  expect(part.check(Uint8Array.of(6, 0))).toBeNull();
  // a block with its byte size (negative count) is valid Avro too
  expect(decodes(Uint8Array.of(3, 0, 0))).toBe("decodes");
  expect(part.check(Uint8Array.of(3, 0, 0))).toBeNull();
  // a count without its end
  expect(decodes(Uint8Array.of(6))).toBe("unsure");
  expect(part.check(Uint8Array.of(6))).toBe("invalid Avro binary for array: truncated buffer");
});

/** The zigzag varint of a non-negative count. */
function countBytes(n: number): number[] {
  const out: number[] = [];
  for (let z = n * 2; ; z = Math.floor(z / 128)) {
    if (z < 128) return [...out, z];
    out.push((z % 128) | 0x80);
  }
}

test("a block claiming more items than its bytes can hold is refused before anything reads them", async () => {
  for (const [items, count, what] of [
    ["string", 2 ** 40, "a block of 1099511627776 items where 1 bytes are left"],
    ["null", 2 ** 30, "a block of 1073741824 items where at most 1048576 empty items are read"],
    [{ type: "record", name: "Pair", fields: [{ name: "a", type: "double" }, { name: "b", type: "int" }] }, 100, "a block of 100 items where 9 bytes are left"],
  ] as const) {
    const schema = await compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: { type: "array", items } }] }), "big.avsc");
    const part = schema.value!;
    const bytes = Uint8Array.of(...countBytes(count), ...new Array(items === "null" ? 0 : items === "string" ? 1 : 9).fill(0));
    expect(part.check(bytes)).toBe(`invalid Avro binary for array: ${what}`);
  }
  const map = await compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: { type: "map", values: "null" } }] }), "map.avsc");
  expect(map.value!.check(Uint8Array.of(...countBytes(2 ** 33), 0))).toBe("invalid Avro binary for map: a block of 8589934592 items where 1 bytes are left");
});
