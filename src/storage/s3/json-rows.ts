// Checked reading of the JSON objects the S3 engine stores: lists of rows and finite numbers, or
// StorageError("corrupt") naming the object.

import { StorageError } from "../engine.ts";

export type Row = readonly unknown[];

export function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The object in `bytes`, whose `v` must be one of `versions`. */
export function parseObject(bytes: Uint8Array, where: string, versions: readonly number[]): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new StorageError("corrupt", `${where} is not JSON`, { cause: e });
  }
  if (typeof value !== "object" || value === null) throw new StorageError("corrupt", `${where} is not an object`);
  const v = (value as { v?: unknown }).v;
  if (typeof v !== "number" || !versions.includes(v)) throw new StorageError("corrupt", `${where} has version ${String(v)}, not one of ${versions.join(", ")}`);
  return value as Record<string, unknown>;
}

export function rows(value: unknown, where: string): Row[] {
  if (!Array.isArray(value) || !value.every(Array.isArray)) throw new StorageError("corrupt", `${where} has a malformed list`);
  return value as Row[];
}

/** rows(), with an absent list read as empty (fields added by a later format version). */
export function optionalRows(value: unknown, where: string): Row[] {
  return value === undefined ? [] : rows(value, where);
}

export function num(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new StorageError("corrupt", `${where} has a malformed number`);
  return value;
}

export function str(value: unknown, where: string): string {
  if (typeof value !== "string") throw new StorageError("corrupt", `${where} has a malformed name`);
  return value;
}
