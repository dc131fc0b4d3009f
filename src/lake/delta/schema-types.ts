// Delta's schema serialization (a subset of Spark SQL's JSON schema) and how the lake's types map
// onto it. Delta keeps no field ids outside column mapping, and column mapping mode `none` must not
// carry `delta.columnMapping.*` keys, so the lake's ids ride in field metadata under our own keys,
// which Delta readers keep and ignore:
//   tansu.field.id      the field's id
//   tansu.field.type    the lake type when the Delta type stands in for it (time, uuid)
//   tansu.field.nested  for list/map fields: path below the field ("element", "key", "value",
//                       "value.element", …) → { id, type? } of that element, key or value

import type { Json } from "./json.ts";
import type { LakePrimitive, LakeType } from "../types.ts";

export type DeltaType = string | DeltaStruct | DeltaArray | DeltaMap;
export type DeltaStruct = { readonly type: "struct"; readonly fields: readonly DeltaField[] };
export type DeltaArray = { readonly type: "array"; readonly elementType: DeltaType; readonly containsNull: boolean };
export type DeltaMap = { readonly type: "map"; readonly keyType: DeltaType; readonly valueType: DeltaType; readonly valueContainsNull: boolean };
export type DeltaField = {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: { readonly [key: string]: Json };
};

export const FIELD_ID = "tansu.field.id";
export const FIELD_TYPE = "tansu.field.type";
export const FIELD_NESTED = "tansu.field.nested";
/** Spark's key for a column comment. */
export const FIELD_COMMENT = "comment";
/** metaData.configuration keys carrying the LakeSchema's counters. */
export const SCHEMA_ID = "tansu.schema.id";
export const LAST_COLUMN_ID = "tansu.schema.lastColumnId";

/**
 * The Delta primitive a lake primitive is written as. Delta has no time-of-day or uuid type: time is
 * a long of microseconds, uuid its 16 bytes as binary. A timestamp without zone is timestamp_ntz,
 * which needs the timestampNtz table feature.
 */
export function deltaPrimitive(type: LakePrimitive): string {
  switch (type.kind) {
    case "int":
      return "integer";
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "time":
      return "long";
    case "timestamptz":
      return "timestamp";
    case "timestamp":
      return "timestamp_ntz";
    case "uuid":
      return "binary";
    default:
      return type.kind;
  }
}

/** Lake kinds whose Delta type is a stand-in, so the kind is kept in metadata. */
export const standIn = (type: LakeType): boolean => type.kind === "time" || type.kind === "uuid";

/** The lake primitive a Delta primitive name reads back as (before any stand-in is undone). */
export function lakePrimitive(name: string): LakePrimitive | undefined {
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(name);
  if (decimal) return { kind: "decimal", precision: Number(decimal[1]), scale: Number(decimal[2]) };
  switch (name) {
    case "boolean":
    case "long":
    case "float":
    case "double":
    case "date":
    case "string":
    case "binary":
      return { kind: name };
    case "integer":
    case "short":
    case "byte":
      return { kind: "int" };
    case "timestamp":
      return { kind: "timestamptz" };
    case "timestamp_ntz":
      return { kind: "timestamp" };
    default:
      return undefined;
  }
}
