// Iceberg metadata JSON with exact 64-bit longs: snapshot ids are random 63-bit numbers, beyond
// the 2^53 a JS number holds, so integers past that range are read as bigint (from the source text)
// and bigints are written as bare JSON numbers.

import { IcebergError } from "./errors.ts";

interface ParseContext {
  readonly source?: string;
}

export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: ParseContext) => {
    if (typeof value !== "number" || Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
    const source = context?.source;
    if (source === undefined || !/^-?\d+$/.test(source)) throw new IcebergError(`cannot read the integer ${value} exactly (no JSON source text on this runtime)`);
    return BigInt(source);
  });
}

export function stringifyJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new IcebergError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(",")}]`;
  if (typeof value === "object") {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`).join(",")}}`;
  }
  throw new IcebergError(`a ${typeof value} has no JSON form`);
}

/** A JSON long as read by parseJson: a safe integer number or a bigint. */
export function asLong(value: unknown): bigint | null {
  if (typeof value === "bigint") return value;
  return typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : null;
}
