// `tansu cat` lines for a topic with a schema: each line is one JSON object
//   {"key": KEY, "value": VALUE}
// either member may be absent or null (a null key or value). A part the schema describes is given
// in its format's JSON mapping (Avro's JSON encoding, ProtoJSON, or the JSON value itself) and
// produced in its binary form (JSON as JSON text); a part the schema does not describe is a string,
// produced as its UTF-8 text (other JSON is produced as its JSON text). `cat consume` prints the
// same objects, so what it prints can be produced again.

import { ConfigError } from "../config.ts";
import { createLogger } from "../log.ts";
import type { KafkaRecord, RecordInput } from "../protocol/records/index.ts";
import { openSchemaRegistry } from "../schema/registry.ts";
import type { PartSchema, RecordPart, TopicSchema } from "../schema/types.ts";
import type { Env, Flag } from "./cli.ts";

export const SCHEMA_REGISTRY: Flag = { flag: "schema-registry", env: "SCHEMA_REGISTRY", default: "", about: "file://dir or s3://bucket/prefix with topic schemas" };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PARTS: readonly RecordPart[] = ["key", "value"];

/** The topic's schema when a registry is given and holds one; null otherwise. */
export async function topicSchema(flags: Map<string, string>, env: Env, topic: string): Promise<TopicSchema | null> {
  const value = flags.get(SCHEMA_REGISTRY.flag) ?? env[SCHEMA_REGISTRY.env] ?? "";
  if (value === "") return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`--schema-registry: not a URL: ${JSON.stringify(value)}`);
  }
  const registry = await openSchemaRegistry(url, createLogger("error", () => {}), 0, env);
  const found = await registry.lookup(topic);
  if (found.kind === "none") return null;
  if (found.kind !== "schema") throw new Error(found.message);
  return found.schema;
}

function encodePart(part: PartSchema | null, json: unknown): Uint8Array | null {
  if (json === null || json === undefined) return null;
  if (part !== null) return part.encode(json);
  return encoder.encode(typeof json === "string" ? json : JSON.stringify(json));
}

export function encodeLine(schema: TopicSchema, line: Uint8Array, lineNumber: number): RecordInput {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(line));
  } catch (e) {
    throw new Error(`line ${lineNumber}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json) || Object.keys(json).some((k) => k !== "key" && k !== "value")) {
    throw new Error(`line ${lineNumber}: expected {"key": …, "value": …} for a topic with a schema`);
  }
  const fields = json as { key?: unknown; value?: unknown };
  const record: RecordInput = { key: null, value: null };
  for (const name of PARTS) {
    try {
      record[name] = encodePart(schema[name], fields[name]);
    } catch (e) {
      throw new Error(`line ${lineNumber}: ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return record;
}

/** One record as a line; parts that do not decode are shown as text, with a warning. */
export function formatRecord(schema: TopicSchema, record: KafkaRecord, warn: (message: string) => void): string {
  const out: { key: unknown; value: unknown } = { key: null, value: null };
  for (const name of PARTS) {
    const bytes = record[name];
    const part = schema[name];
    if (bytes === null) continue;
    if (part === null) {
      out[name] = decoder.decode(bytes);
      continue;
    }
    try {
      out[name] = part.decode(bytes);
    } catch (e) {
      warn(`offset ${record.offset}: ${name} does not match ${schema.location} (${e instanceof Error ? e.message : String(e)}); shown as text`);
      out[name] = decoder.decode(bytes);
    }
  }
  return JSON.stringify(out);
}
