// LakeSchema → Delta schema. `nullable` is the inverse of `required`; arrays carry containsNull and
// maps valueContainsNull from the element/value's requiredness (map keys are never null).

import type { Json } from "./json.ts";
import type { LakeField, LakeSchema, LakeType } from "../types.ts";
import { DeltaTableError } from "./error.ts";
import { type DeltaField, type DeltaStruct, type DeltaType, deltaPrimitive, FIELD_COMMENT, FIELD_ID, FIELD_NESTED, FIELD_TYPE, standIn } from "./schema-types.ts";

type Nested = Record<string, { id: number; type?: string }>;

const below = (path: string, step: string): string => (path === "" ? step : `${path}.${step}`);

function nestedEntry(id: number, type: LakeType): { id: number; type?: string } {
  return standIn(type) ? { id, type: type.kind } : { id };
}

function deltaType(type: LakeType, path: string, nested: Nested): DeltaType {
  switch (type.kind) {
    case "struct":
      return { type: "struct", fields: type.fields.map(deltaField) };
    case "list": {
      const element = below(path, "element");
      nested[element] = nestedEntry(type.elementId, type.element);
      return { type: "array", elementType: deltaType(type.element, element, nested), containsNull: !type.elementRequired };
    }
    case "map": {
      const key = below(path, "key");
      const value = below(path, "value");
      nested[key] = nestedEntry(type.keyId, type.key);
      nested[value] = nestedEntry(type.valueId, type.value);
      return {
        type: "map",
        keyType: deltaType(type.key, key, nested),
        valueType: deltaType(type.value, value, nested),
        valueContainsNull: !type.valueRequired,
      };
    }
    default:
      return deltaPrimitive(type);
  }
}

function deltaField(field: LakeField): DeltaField {
  const nested: Nested = {};
  const type = deltaType(field.type, "", nested);
  const metadata: Record<string, Json> = { [FIELD_ID]: field.id };
  if (standIn(field.type)) metadata[FIELD_TYPE] = field.type.kind;
  if (Object.keys(nested).length > 0) metadata[FIELD_NESTED] = nested;
  if (field.doc !== undefined) metadata[FIELD_COMMENT] = field.doc;
  return { name: field.name, type, nullable: !field.required, metadata };
}

/**
 * The table's Delta schema: the lake fields, then the partition column when there is one. Delta
 * requires column names unique regardless of case, and partition columns to be top-level columns.
 */
export function deltaSchema(schema: LakeSchema, partitionColumn: string | undefined): DeltaStruct {
  const fields = schema.fields.map(deltaField);
  if (partitionColumn !== undefined) fields.push({ name: partitionColumn, type: "date", nullable: true, metadata: {} });
  const seen = new Set<string>();
  for (const field of fields) {
    const folded = field.name.toLowerCase();
    if (seen.has(folded)) throw new DeltaTableError(`Delta column names must differ regardless of case: ${field.name} appears twice`);
    seen.add(folded);
  }
  return { type: "struct", fields };
}

/** Whether any field, at any depth, is a timestamp without zone (Delta's timestamp_ntz). */
export function usesTimestampNtz(schema: LakeSchema): boolean {
  const visit = (type: LakeType): boolean => {
    switch (type.kind) {
      case "struct":
        return type.fields.some((field) => visit(field.type));
      case "list":
        return visit(type.element);
      case "map":
        return visit(type.key) || visit(type.value);
      default:
        return type.kind === "timestamp";
    }
  };
  return schema.fields.some((field) => visit(field.type));
}
