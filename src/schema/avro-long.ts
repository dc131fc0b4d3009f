// Avro longs as bigints: avsc refuses longs beyond 2^53 ("potential precision loss"), which are
// valid Avro, so every Avro type here is parsed with this long in its registry.

import type { Type } from "avsc";

type Avsc = typeof import("avsc");

const LONG_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const LONG_MAX = BigInt(Number.MAX_SAFE_INTEGER);

export function bigLong(avro: Avsc): Type {
  return avro.types.LongType.__with({
    fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
    toBuffer: (n: bigint) => {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64LE(n);
      return buf;
    },
    fromJSON: (json: unknown) => {
      if ((typeof json === "number" && Number.isInteger(json)) || (typeof json === "string" && /^-?\d+$/.test(json))) return BigInt(json);
      throw new Error(`not an Avro long: ${JSON.stringify(json) ?? "nothing"}`);
    },
    // beyond 2^53 a JSON number would lose digits, so such longs print as strings (read back as longs)
    toJSON: (n: bigint) => (n >= LONG_MIN && n <= LONG_MAX ? Number(n) : String(n)),
    isValid: (n: unknown) => typeof n === "bigint" && BigInt.asIntN(64, n) === n,
    compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
  });
}

