// Per-file statistics for an add action: numRecords, and per top-level primitive column its
// nullCount, minValues and maxValues keyed by column name. A bound is left out when Delta has no
// faithful text for it: binary and uuid, NaN/infinite floats, strings longer than the prefix kept
// (a truncated minimum is still a lower bound, a truncated maximum is not an upper bound).

import { type Json, JsonNumber, toJson } from "./json.ts";
import type { DataFile, LakePrimitive, LakeSchema, LakeValue } from "../types.ts";
import { dateText, decimalText, timestampNtzText, timestampText } from "./values.ts";

const STRING_PREFIX = 32;

function bound(type: LakePrimitive, value: LakeValue | undefined, side: "min" | "max"): Json | undefined {
  switch (type.kind) {
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "int":
    case "float":
    case "double":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "long":
    case "time":
      return typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value)) ? value : undefined;
    case "decimal":
      return typeof value === "bigint" ? new JsonNumber(decimalText(value, type.scale)) : undefined;
    case "date":
      return typeof value === "number" ? dateText(value) : undefined;
    case "timestamptz":
      return typeof value === "bigint" ? timestampText(value) : undefined;
    case "timestamp":
      return typeof value === "bigint" ? timestampNtzText(value) : undefined;
    case "string": {
      if (typeof value !== "string") return undefined;
      const points = Array.from(value);
      if (points.length <= STRING_PREFIX) return value;
      return side === "min" ? points.slice(0, STRING_PREFIX).join("") : undefined;
    }
    case "uuid":
    case "binary":
      return undefined;
  }
}

/** The add action's stats JSON text for a data file of a table with this schema. */
export function statsJson(file: DataFile, schema: LakeSchema): string {
  const minValues: Record<string, Json> = {};
  const maxValues: Record<string, Json> = {};
  const nullCount: Record<string, Json> = {};
  for (const field of schema.fields) {
    const stats = file.columnStats.get(field.id);
    const type = field.type;
    if (stats === undefined || type.kind === "struct" || type.kind === "list" || type.kind === "map") continue;
    nullCount[field.name] = stats.nullCount;
    const min = bound(type, stats.min, "min");
    const max = bound(type, stats.max, "max");
    if (min !== undefined) minValues[field.name] = min;
    if (max !== undefined) maxValues[field.name] = max;
  }
  return toJson({ numRecords: file.recordCount, minValues, maxValues, nullCount });
}
