// Avro (TOPIC.avsc): a record schema whose fields `key` and/or `value` give each part's type. A
// record's key or value is the plain Avro binary encoding of that type — no Confluent magic byte
// and schema id, no object-container header. A part whose type is "null" or a union with "null"
// may be missing (a null key or value); any other part is required. The CLI's JSON is Avro's JSON
// encoding (unions wrapped as {"type": value}, bytes as \u00XX strings), as avro-tools uses.

import type { Type } from "avsc";
import { bigLong } from "./avro-long.ts";
import { avroSkimmer } from "./avro-skim.ts";
import type { PartSchema } from "./types.ts";

type Avsc = typeof import("avsc");

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function optional(avro: Avsc, type: Type): boolean {
  if (type.typeName === "null") return true;
  const union = type instanceof avro.types.UnwrappedUnionType || type instanceof avro.types.WrappedUnionType ? type : null;
  return union !== null && union.types.some((t) => t.typeName === "null");
}

function part(avro: Avsc, type: Type, logical: Logical): PartSchema {
  const what = type.name ?? type.typeName;
  const decodes = avroSkimmer(type);
  return {
    required: !optional(avro, type),
    definition: { format: "avro", type, logical },
    check(bytes) {
      const skimmed = decodes(bytes);
      if (skimmed === "decodes") return null;
      if (skimmed !== "unsure") return `invalid Avro binary for ${what}: ${skimmed.refused}`;
      try {
        type.fromBuffer(asBuffer(bytes));
        return null;
      } catch (e) {
        return `invalid Avro binary for ${what}: ${message(e)}`;
      }
    },
    encode(json) {
      const value: unknown = type.fromString(JSON.stringify(json));
      return new Uint8Array(type.toBuffer(value));
    },
    decode(bytes) {
      const text = type.toString(type.fromBuffer(asBuffer(bytes)));
      return JSON.parse(text) as unknown;
    },
  };
}

type Logical = WeakMap<Type, Readonly<Record<string, unknown>>>;
type ForSchema = Parameters<Avsc["Type"]["forSchema"]>;

/**
 * Builds a schema that carries a logicalType as avsc would (ignoring it) and remembers the annotation
 * on the type built. A long written as an object ({"type": "long", …}) gets the bigint long too:
 * avsc builds its own long for that form, bypassing the registry.
 */
function logicalHook(avro: Avsc, logical: Logical) {
  return (schema: unknown, opts: ForSchema[1]): Type | undefined => {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema) || avro.Type.isType(schema)) return undefined;
    const { logicalType, ...plain } = schema as Record<string, unknown>;
    if (plain.type === "long") {
      // one instance per occurrence: `logical` is keyed by the type
      const type = bigLong(avro);
      if (typeof logicalType === "string") logical.set(type, schema as Record<string, unknown>);
      return type;
    }
    if (typeof logicalType !== "string") return undefined;
    const type = avro.Type.forSchema(plain as ForSchema[0], opts);
    logical.set(type, schema as Record<string, unknown>);
    return type;
  };
}

export async function compileAvro(text: string): Promise<{ key: PartSchema | null; value: PartSchema | null }> {
  const avro = await import("avsc");
  const schema: unknown = JSON.parse(text);
  const logical: Logical = new WeakMap();
  const root = avro.Type.forSchema(schema as ForSchema[0], {
    registry: { long: bigLong(avro) },
    omitRecordMethods: true,
    typeHook: logicalHook(avro, logical),
  });
  if (!(root instanceof avro.types.RecordType)) throw new Error(`expected a record with fields key and/or value, not ${root.typeName}`);
  const parts: { key: PartSchema | null; value: PartSchema | null } = { key: null, value: null };
  for (const field of root.fields) {
    if (field.name !== "key" && field.name !== "value") throw new Error(`field ${JSON.stringify(field.name)} is neither key nor value`);
    parts[field.name] = part(avro, field.type, logical);
  }
  if (parts.key === null && parts.value === null) throw new Error("the record has neither a key nor a value field");
  return parts;
}
