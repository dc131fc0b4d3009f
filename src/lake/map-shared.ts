// What every format's mapping produces: a lake type with provisional field ids (the table schema
// renumbers them) and a function from the format library's decoded value to the LakeValue the row
// holds. A value that does not fit throws ValueError; the row builder turns that into a result.

import type { LakeField, LakeType, LakeValue } from "./types.ts";

export class ValueError extends Error {}

/** A type and how to convert values of it. `optional`: the format lets the value be null. */
export interface Mapping {
  readonly type: LakeType;
  readonly optional: boolean;
  convert(decoded: unknown): LakeValue;
}

/** Provisional field ids: unique within one part's mapping, in the order fields are met. */
export class Ids {
  private last = 0;
  next(): number {
    return ++this.last;
  }
}

export const field = (id: number, name: string, required: boolean, type: LakeType): LakeField => ({ id, name, required, type });

/**
 * What a part maps to: anything the lake cannot describe (a recursive type, a record without fields,
 * a union of unrelated types in JSON Schema, google.protobuf.Struct …) is a string of JSON text.
 */
export const jsonText = (text: (decoded: unknown) => string, optional = false): Mapping => ({
  type: { kind: "string" },
  optional,
  convert: (v) => (v === null || v === undefined ? null : text(v)),
});

/** A field typed null (it can only hold null): an optional string that is always null. */
export const alwaysNull: Mapping = { type: { kind: "string" }, optional: true, convert: () => null };

export const describe = (v: unknown): string => {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "bytes";
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v).slice(0, 40)}`;
};

export function expectBigint(v: unknown, what: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new ValueError(`expected ${what}, got ${describe(v)}`);
}

/** Two's-complement big-endian bytes (Avro and Parquet decimals) → the unscaled value. */
export function unscaled(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return bytes.length > 0 && bytes[0]! >= 0x80 ? n - (1n << BigInt(bytes.length * 8)) : n;
}

/** Iceberg and Delta cap decimals at 38 digits. */
export const MAX_DECIMAL_PRECISION = 38;

export function checkDecimal(n: bigint, precision: number): bigint {
  const limit = 10n ** BigInt(precision);
  if (n >= limit || n <= -limit) throw new ValueError(`decimal ${n} has more than ${precision} digits`);
  return n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidText(v: unknown): string {
  if (typeof v !== "string" || !UUID.test(v)) throw new ValueError(`expected a UUID in 8-4-4-4-12 form, got ${describe(v)}`);
  return v.toLowerCase();
}

export function uuidOfBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new ValueError(`expected 16 bytes of UUID, got ${bytes.length}`);
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const bytesOf = (v: unknown, what: string): Uint8Array => {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new ValueError(`expected ${what}, got ${describe(v)}`);
};
