// Protobuf's well-known types that the lake maps by meaning rather than by structure:
// Timestamp → timestamptz; Duration → long microseconds; the wrappers (Int32Value …) → an optional
// value of the wrapped type; Struct, Value and ListValue → the JSON text they stand for. Sub-
// microsecond nanos are truncated toward zero.

import { type Mapping, ValueError } from "./map-shared.ts";

type Message = Readonly<Record<string, unknown>>;

/** A protobufjs 64-bit value (a Long, or a number when no long library is loaded) → bigint. */
export function bigintOf(v: unknown): bigint {
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  if (typeof v === "object" && v !== null) return BigInt(String(v));
  throw new ValueError(`expected a 64-bit integer, got ${typeof v}`);
}

const micros = (m: Message): bigint => bigintOf(m.seconds ?? 0) * 1_000_000n + BigInt(Math.trunc(Number(m.nanos ?? 0) / 1000));

const has = (m: Message, name: string): boolean => Object.hasOwn(m, name);

function valueJson(v: Message): unknown {
  if (has(v, "numberValue")) return v.numberValue;
  if (has(v, "stringValue")) return v.stringValue;
  if (has(v, "boolValue")) return v.boolValue;
  if (has(v, "structValue")) return structJson(v.structValue as Message);
  if (has(v, "listValue")) return listJson(v.listValue as Message);
  return null;
}

const structJson = (s: Message): unknown => Object.fromEntries(Object.entries((s.fields ?? {}) as Record<string, Message>).map(([k, v]) => [k, valueJson(v)]));
const listJson = (l: Message): unknown => ((l.values ?? []) as Message[]).map(valueJson);

const JSON_TYPES: Readonly<Record<string, (m: Message) => unknown>> = {
  ".google.protobuf.Struct": structJson,
  ".google.protobuf.Value": valueJson,
  ".google.protobuf.ListValue": listJson,
};

/** The wrapper message's full name → the scalar type of its `value` field. */
export const WRAPPERS: Readonly<Record<string, string>> = {
  ".google.protobuf.DoubleValue": "double",
  ".google.protobuf.FloatValue": "float",
  ".google.protobuf.Int64Value": "int64",
  ".google.protobuf.UInt64Value": "uint64",
  ".google.protobuf.Int32Value": "int32",
  ".google.protobuf.UInt32Value": "uint32",
  ".google.protobuf.BoolValue": "bool",
  ".google.protobuf.StringValue": "string",
  ".google.protobuf.BytesValue": "bytes",
};

/** The mapping of a well-known message type other than a wrapper, or null for any other message. */
export function wellKnown(fullName: string): Mapping | null {
  if (fullName === ".google.protobuf.Timestamp") return { type: { kind: "timestamptz" }, optional: true, convert: (m) => micros(m as Message) };
  if (fullName === ".google.protobuf.Duration") return { type: { kind: "long" }, optional: true, convert: (m) => micros(m as Message) };
  const json = JSON_TYPES[fullName];
  return json === undefined ? null : { type: { kind: "string" }, optional: true, convert: (m) => JSON.stringify(json(m as Message)) };
}
