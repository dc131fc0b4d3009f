// Typed reads of parsed metadata JSON, each failing with an IcebergError that names what is wrong.

import { IcebergError } from "./errors.ts";
import { asLong } from "./json.ts";

export function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new IcebergError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function list(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new IcebergError(`${what} is not a JSON list`);
  return value;
}

export function int(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new IcebergError(`${what} is not an integer`);
  return value;
}

export function long(value: unknown, what: string): bigint {
  const n = asLong(value);
  if (n === null) throw new IcebergError(`${what} is not an integer`);
  return n;
}

export function bool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new IcebergError(`${what} is not true or false`);
  return value;
}

export function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new IcebergError(`${what} is not a string`);
  return value;
}

export function strings(value: unknown, what: string): Record<string, string> {
  const o = object(value, what);
  for (const [k, v] of Object.entries(o)) text(v, `${what} ${JSON.stringify(k)}`);
  return o as Record<string, string>;
}
