// Whatever bytes a record carries, checking it gives a reason or null — never an exception.

import { expect, test } from "bun:test";
import { compileSchema } from "../../src/schema/compile.ts";
import { SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

for (const f of SCHEMA_FIXTURES) {
  test(`${f.format}: random and mutated bytes are checked without throwing`, async () => {
    const schema = await compileSchema(f.format, f.schema, `fuzz${f.extension}`);
    const next = random(0x5eed);
    const seeds = Array.from({ length: 20 }, (_, i) => f.record(i).value!);
    let invalid = 0;
    for (let i = 0; i < 20_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) bytes = Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256));
      else {
        bytes = Uint8Array.from(seeds[i % seeds.length]!);
        for (let m = 0; m < 1 + Math.floor(next() * 3); m++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        if (next() < 0.3) bytes = bytes.subarray(0, Math.floor(next() * bytes.length));
      }
      for (const part of [schema.key, schema.value]) {
        const problem = part!.check(bytes);
        if (problem !== null && typeof problem !== "string") throw new Error(`check returned ${String(problem)}`);
        if (problem !== null) invalid++;
      }
    }
    // most of them are invalid, and each got a reason rather than an exception
    expect(invalid).toBeGreaterThan(10_000);
  });
}
