// Reads Kafka's message definitions (JSON with `//` comments) into a typed model shared by the
// code generator and the protocol tests.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface VersionRange {
  min: number;
  /** Infinity for open ranges ("3+"). */
  max: number;
}

export const NO_VERSIONS: VersionRange = { min: 0, max: -1 };

export type PrimitiveName =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "int64"
  | "float64"
  | "uuid"
  | "string"
  | "bytes"
  | "records";

export type FieldType =
  | { kind: "primitive"; name: PrimitiveName }
  | { kind: "array"; element: FieldType }
  | { kind: "struct"; name: string };

export interface Field {
  name: string;
  type: FieldType;
  versions: VersionRange;
  nullableVersions: VersionRange;
  taggedVersions: VersionRange;
  tag: number | null;
  /** Field-level override of flexible encoding (only `"none"` appears in Kafka's files). */
  flexibleVersions: VersionRange | null;
  default: string | number | boolean | undefined;
  about: string;
}

export interface Struct {
  name: string;
  fields: Field[];
}

export interface Message {
  name: string;
  apiKey: number;
  type: "request" | "response";
  listeners: string[];
  validVersions: VersionRange;
  flexibleVersions: VersionRange;
  fields: Field[];
  /** Every struct of the message by name: inline ones and commonStructs. */
  structs: Map<string, Struct>;
}

const PRIMITIVES = new Set<string>(["bool", "int8", "int16", "uint16", "int32", "int64", "float64", "uuid", "string", "bytes", "records"]);

export function parseVersions(s: string | undefined): VersionRange {
  if (s === undefined || s === "none") return NO_VERSIONS;
  const open = /^(\d+)\+$/.exec(s);
  if (open) return { min: Number(open[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(s);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(s)) return { min: Number(s), max: Number(s) };
  throw new Error(`bad version range ${JSON.stringify(s)}`);
}

export function inRange(v: number, r: VersionRange): boolean {
  return v >= r.min && v <= r.max;
}

export function isEmptyRange(r: VersionRange): boolean {
  return r.max < r.min;
}

/** Strips whole-line `//` comments (the only kind Kafka's files use). */
export function stripComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*\/\//.test(line))
    .join("\n");
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  default?: string | number | boolean;
  about?: string;
  fields?: RawField[];
}

interface RawMessage {
  name: string;
  apiKey?: number;
  type: string;
  listeners?: string[];
  validVersions: string;
  flexibleVersions: string;
  fields?: RawField[];
  commonStructs?: { name: string; fields: RawField[] }[];
}

function parseType(t: string): FieldType {
  if (t.startsWith("[]")) return { kind: "array", element: parseType(t.slice(2)) };
  if (PRIMITIVES.has(t)) return { kind: "primitive", name: t as PrimitiveName };
  return { kind: "struct", name: t };
}

function structName(t: FieldType): string | null {
  if (t.kind === "struct") return t.name;
  if (t.kind === "array") return structName(t.element);
  return null;
}

function parseFields(raw: RawField[], structs: Map<string, Struct>, where: string): Field[] {
  return raw.map((f) => {
    const type = parseType(f.type);
    const sName = structName(type);
    if (sName !== null && f.fields !== undefined) {
      if (structs.has(sName)) throw new Error(`${where}: struct ${sName} defined twice`);
      // reserve the name first so nested definitions keep declaration order
      const struct: Struct = { name: sName, fields: [] };
      structs.set(sName, struct);
      struct.fields = parseFields(f.fields, structs, `${where}.${sName}`);
    }
    return {
      name: f.name,
      type,
      versions: parseVersions(f.versions),
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions: parseVersions(f.taggedVersions),
      tag: f.tag ?? null,
      flexibleVersions: f.flexibleVersions === undefined ? null : parseVersions(f.flexibleVersions),
      default: f.default,
      about: f.about ?? "",
    };
  });
}

export function parseMessage(text: string, file: string): Message | null {
  const raw = JSON.parse(stripComments(text)) as RawMessage;
  if (raw.type !== "request" && raw.type !== "response") return null;
  if (raw.apiKey === undefined) throw new Error(`${file}: no apiKey`);
  const structs = new Map<string, Struct>();
  for (const c of raw.commonStructs ?? []) {
    const struct: Struct = { name: c.name, fields: [] };
    structs.set(c.name, struct);
    struct.fields = parseFields(c.fields, structs, `${file}:${c.name}`);
  }
  const fields = parseFields(raw.fields ?? [], structs, file);
  const check = (fs: Field[], where: string): void => {
    for (const f of fs) {
      const s = structName(f.type);
      if (s !== null && !structs.has(s)) throw new Error(`${where}: unknown struct ${s}`);
    }
  };
  check(fields, file);
  for (const s of structs.values()) check(s.fields, `${file}:${s.name}`);
  return {
    name: raw.name,
    apiKey: raw.apiKey,
    type: raw.type,
    listeners: raw.listeners ?? [],
    validVersions: parseVersions(raw.validVersions),
    flexibleVersions: parseVersions(raw.flexibleVersions),
    fields,
    structs,
  };
}

export interface Api {
  apiKey: number;
  /** Kafka's API name, e.g. "Produce". */
  name: string;
  request: Message;
  response: Message;
}

/** The APIs whose request lists the `broker` listener, ordered by API key. */
export function readBrokerApis(dir: string): Api[] {
  const requests = new Map<number, Message>();
  const responses = new Map<number, Message>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    const m = parseMessage(readFileSync(join(dir, file), "utf8"), file);
    if (m === null) continue;
    (m.type === "request" ? requests : responses).set(m.apiKey, m);
  }
  const apis: Api[] = [];
  for (const [apiKey, request] of [...requests].sort((a, b) => a[0] - b[0])) {
    if (!request.listeners.includes("broker")) continue;
    const response = responses.get(apiKey);
    if (response === undefined) throw new Error(`no response for API key ${apiKey}`);
    apis.push({ apiKey, name: request.name.replace(/Request$/, ""), request, response });
  }
  return apis;
}
