// Delta schemaString → LakeSchema, so the exporter can evolve the table's current schema. Ids come
// from our field metadata; a field without one (added by another writer) gets a fresh id above every
// id the table has used.

import type { MetadataAction } from "./actions.ts";
import type { LakeField, LakePrimitive, LakeSchema, LakeType } from "../types.ts";
import { DeltaTableError } from "./error.ts";
import { FIELD_COMMENT, FIELD_ID, FIELD_NESTED, FIELD_TYPE, LAST_COLUMN_ID, lakePrimitive, SCHEMA_ID } from "./schema-types.ts";

type Obj = Readonly<Record<string, unknown>>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const below = (path: string, step: string): string => (path === "" ? step : `${path}.${step}`);

class Ids {
  private readonly used = new Set<number>();
  constructor(private last: number) {}
  /** The highest id taken or declared. */
  get highest(): number {
    return this.last;
  }
  take(declared: unknown): number {
    const id = typeof declared === "number" && Number.isInteger(declared) && declared > 0 && !this.used.has(declared) ? declared : ++this.last;
    this.used.add(id);
    return id;
  }
}

/** The highest id named anywhere in the schema's metadata. */
function highestId(value: unknown): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map(highestId));
  if (!isObj(value)) return 0;
  let highest = 0;
  for (const [key, member] of Object.entries(value)) {
    if ((key === FIELD_ID || key === "id") && typeof member === "number") highest = Math.max(highest, member);
    else highest = Math.max(highest, highestId(member));
  }
  return highest;
}

function restore(type: LakePrimitive, kind: unknown): LakePrimitive {
  if (kind === "time" && type.kind === "long") return { kind: "time" };
  if (kind === "uuid" && type.kind === "binary") return { kind: "uuid" };
  return type;
}

function lakeType(type: unknown, path: string, nested: Obj, ids: Ids, kind: unknown, where: string): LakeType {
  if (typeof type === "string") {
    const primitive = lakePrimitive(type);
    if (primitive === undefined) throw new DeltaTableError(`Delta column ${where} has type ${type}, which the lake cannot write`);
    return restore(primitive, kind);
  }
  if (!isObj(type)) throw new DeltaTableError(`Delta column ${where} has a malformed type`);
  const entry = (step: string): { path: string; id: unknown; kind: unknown } => {
    const at = below(path, step);
    const found = nested[at];
    return isObj(found) ? { path: at, id: found.id, kind: found.type } : { path: at, id: undefined, kind: undefined };
  };
  if (type.type === "struct") return { kind: "struct", fields: structFields(type.fields, ids, where) };
  if (type.type === "array") {
    const element = entry("element");
    const elementId = ids.take(element.id);
    return { kind: "list", elementId, elementRequired: type.containsNull === false, element: lakeType(type.elementType, element.path, nested, ids, element.kind, where) };
  }
  if (type.type === "map") {
    const key = entry("key");
    const value = entry("value");
    const keyId = ids.take(key.id);
    const valueId = ids.take(value.id);
    return {
      kind: "map",
      keyId,
      valueId,
      valueRequired: type.valueContainsNull === false,
      key: lakeType(type.keyType, key.path, nested, ids, key.kind, where),
      value: lakeType(type.valueType, value.path, nested, ids, value.kind, where),
    };
  }
  throw new DeltaTableError(`Delta column ${where} has type ${String(type.type)}, which the lake cannot write`);
}

function structFields(fields: unknown, ids: Ids, where: string): LakeField[] {
  if (!Array.isArray(fields)) throw new DeltaTableError(`Delta schema at ${where || "the root"} has no fields array`);
  return fields.map((field: unknown): LakeField => {
    if (!isObj(field) || typeof field.name !== "string") throw new DeltaTableError(`Delta schema at ${where || "the root"} has a field without a name`);
    const metadata = isObj(field.metadata) ? field.metadata : {};
    const name = below(where, field.name);
    const id = ids.take(metadata[FIELD_ID]);
    const type = lakeType(field.type, "", isObj(metadata[FIELD_NESTED]) ? metadata[FIELD_NESTED] : {}, ids, metadata[FIELD_TYPE], name);
    const doc = metadata[FIELD_COMMENT];
    return { id, name: field.name, required: field.nullable === false, type, ...(typeof doc === "string" ? { doc } : {}) };
  });
}

/** The lake schema of a table's metadata, without the given partition column. */
export function lakeSchemaFromDelta(metaData: MetadataAction, partitionColumn: string | undefined): LakeSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metaData.schemaString);
  } catch {
    throw new DeltaTableError("Delta metaData.schemaString is not JSON");
  }
  if (!isObj(parsed) || parsed.type !== "struct" || !Array.isArray(parsed.fields)) throw new DeltaTableError("Delta metaData.schemaString is not a struct");
  const configured = Number(metaData.configuration[LAST_COLUMN_ID] ?? 0);
  const ids = new Ids(Math.max(Number.isInteger(configured) ? configured : 0, highestId(parsed)));
  const columns = parsed.fields.filter((field) => !(isObj(field) && field.name === partitionColumn));
  const fields = structFields(columns, ids, "");
  const schemaId = Number(metaData.configuration[SCHEMA_ID] ?? 0);
  return { schemaId: Number.isInteger(schemaId) ? schemaId : 0, fields, lastColumnId: ids.highest };
}
