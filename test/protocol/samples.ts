// Random sample messages built from Kafka's definitions, for round-trip and fuzz tests.

import schemaJson from "../fixtures/protocol-schema.json";
import { camel } from "../../scripts/protocol/emit.ts";
import type { Api, Field, FieldType, Message, Struct, VersionRange } from "../../scripts/protocol/spec.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";

type SchemaMessage = Omit<Message, "structs"> & { structs: Record<string, Struct> };
type SchemaApi = Omit<Api, "request" | "response"> & { request: SchemaMessage; response: SchemaMessage };

export const schema = schemaJson as unknown as SchemaApi[];

/** A small seeded PRNG (mulberry32), so a failing sample can be reproduced. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const has = (r: VersionRange, v: number): boolean => v >= r.min && v <= r.max;

export interface SampleOptions {
  /** "random": arbitrary values; "empty": nulls where allowed, otherwise empty/zero values. */
  mode: "random" | "empty";
  random: () => number;
}

const TEXT = ["", "a", "topic-1", "ünïcödé", "日本語", "emoji 🎉", "x".repeat(40)];

function int(random: () => number, bits: number, signed: boolean): number {
  const n = Math.floor(random() * 2 ** bits);
  return signed && n >= 2 ** (bits - 1) ? n - 2 ** bits : n;
}

function primitive(name: string, o: SampleOptions): unknown {
  const { random } = o;
  const empty = o.mode === "empty";
  switch (name) {
    case "bool":
      return !empty && random() < 0.5;
    case "int8":
      return empty ? 0 : int(random, 8, true);
    case "int16":
      return empty ? 0 : int(random, 16, true);
    case "uint16":
      return empty ? 0 : int(random, 16, false);
    case "int32":
      return empty ? 0 : int(random, 32, true);
    case "int64":
      return empty ? 0n : BigInt.asIntN(64, (BigInt(int(random, 32, false)) << 32n) | BigInt(int(random, 32, false)));
    case "float64":
      return empty ? 0 : (random() - 0.5) * 1e9;
    case "uuid":
      return empty ? ZERO_UUID : crypto.randomUUID();
    case "string":
      return empty ? "" : TEXT[Math.floor(random() * TEXT.length)];
    default: {
      const n = empty ? 0 : Math.floor(random() * 24);
      return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    }
  }
}

function value(m: SchemaMessage, t: FieldType, version: number, o: SampleOptions, depth: number): unknown {
  switch (t.kind) {
    case "primitive":
      return primitive(t.name, o);
    case "array": {
      const n = o.mode === "empty" || depth > 3 ? 0 : Math.floor(o.random() * 3);
      return Array.from({ length: n }, () => value(m, t.element, version, o, depth + 1));
    }
    case "struct": {
      const s = m.structs[t.name];
      if (s === undefined) throw new Error(`no struct ${t.name}`);
      return struct(m, s.fields, version, o, depth + 1);
    }
  }
}

function defaultValue(m: SchemaMessage, f: Field): unknown {
  const t = f.type;
  if (f.default === "null") return null;
  if (t.kind === "array") return [];
  if (t.kind === "struct") {
    const s = m.structs[t.name];
    if (s === undefined) throw new Error(`no struct ${t.name}`);
    return Object.fromEntries(s.fields.map((sf) => [camel(sf.name), defaultValue(m, sf)]));
  }
  const d = f.default;
  switch (t.name) {
    case "bool":
      return d === true || d === "true";
    case "int64":
      return BigInt(d === undefined || d === "" ? 0 : d);
    case "uuid":
      return ZERO_UUID;
    case "string":
      return d === undefined ? "" : String(d);
    case "bytes":
      return new Uint8Array(0);
    case "records":
      return has(f.nullableVersions, f.versions.min) ? null : new Uint8Array(0);
    default:
      return d === undefined || d === "" ? 0 : Number(d);
  }
}

function struct(m: SchemaMessage, fields: Field[], version: number, o: SampleOptions, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = camel(f.name);
    if (!has(f.versions, version)) out[key] = defaultValue(m, f);
    else if (has(f.nullableVersions, version) && (o.mode === "empty" || o.random() < 0.25)) out[key] = null;
    else if (f.tag !== null && o.random() < 0.3) out[key] = defaultValue(m, f);
    else out[key] = value(m, f.type, version, o, depth);
  }
  return out;
}

export function sampleMessage(m: SchemaMessage, version: number, o: SampleOptions): Record<string, unknown> {
  return struct(m, m.fields, version, o, 0);
}

export function versionsOf(m: SchemaMessage): number[] {
  const out: number[] = [];
  for (let v = m.validVersions.min; v <= m.validVersions.max; v++) out.push(v);
  return out;
}
