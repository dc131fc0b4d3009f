// LakeSchema → the Parquet schema (depth-first SchemaElements), laid out as the Iceberg spec's
// Parquet appendix asks: every element carries its Iceberg field id, lists and maps take the
// standard three-level form (list/element, key_value/key/value), decimals of up to 18 digits are
// INT64 and wider ones the fewest FIXED_LEN_BYTE_ARRAY bytes that hold them, times and timestamps
// are microseconds. Delta has no time or uuid type (its schema says long and binary), and Spark
// refuses Parquet's TIME and UUID annotations, so a file for a Delta table leaves them off.

import type { SchemaElement } from "hyparquet-writer";
import type { LakePrimitive, LakeSchema, LakeType } from "./types.ts";

type Repetition = "REQUIRED" | "OPTIONAL" | "REPEATED";

/** Which table format's readers the file is for. */
export type ParquetFlavour = "iceberg" | "delta";

/** The fewest bytes whose two's complement holds every unscaled value of `precision` digits. */
function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let n = 1;
  while ((1n << BigInt(8 * n - 1)) - 1n < max) n++;
  return n;
}

function primitive(name: string, repetition_type: Repetition, field_id: number, type: LakePrimitive, flavour: ParquetFlavour): SchemaElement {
  const base = { name, repetition_type, field_id };
  switch (type.kind) {
    case "boolean":
      return { ...base, type: "BOOLEAN" };
    case "int":
      return { ...base, type: "INT32" };
    case "long":
      return { ...base, type: "INT64" };
    case "float":
      return { ...base, type: "FLOAT" };
    case "double":
      return { ...base, type: "DOUBLE" };
    case "decimal": {
      const { precision, scale } = type;
      const decimal = { ...base, converted_type: "DECIMAL" as const, precision, scale, logical_type: { type: "DECIMAL" as const, precision, scale } };
      return precision <= 18 ? { ...decimal, type: "INT64" } : { ...decimal, type: "FIXED_LEN_BYTE_ARRAY", type_length: decimalBytes(precision) };
    }
    case "date":
      return { ...base, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "time":
      return flavour === "delta" ? { ...base, type: "INT64" } : { ...base, type: "INT64", logical_type: { type: "TIME", isAdjustedToUTC: false, unit: "MICROS" } };
    case "timestamptz":
      return { ...base, type: "INT64", converted_type: "TIMESTAMP_MICROS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" } };
    case "timestamp":
      return { ...base, type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" } };
    case "string":
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "uuid":
      return { ...base, type: "FIXED_LEN_BYTE_ARRAY", type_length: 16, ...(flavour === "delta" ? {} : { logical_type: { type: "UUID" as const } }) };
    case "binary":
      return { ...base, type: "BYTE_ARRAY" };
  }
}

function elements(name: string, required: boolean, fieldId: number, type: LakeType, flavour: ParquetFlavour): SchemaElement[] {
  const repetition_type: Repetition = required ? "REQUIRED" : "OPTIONAL";
  switch (type.kind) {
    case "struct":
      return [{ name, repetition_type, field_id: fieldId, num_children: type.fields.length }, ...type.fields.flatMap((f) => elements(f.name, f.required, f.id, f.type, flavour))];
    case "list":
      return [
        { name, repetition_type, field_id: fieldId, num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...elements("element", type.elementRequired, type.elementId, type.element, flavour),
      ];
    case "map":
      return [
        { name, repetition_type, field_id: fieldId, num_children: 1, converted_type: "MAP", logical_type: { type: "MAP" } },
        { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
        ...elements("key", true, type.keyId, type.key, flavour),
        ...elements("value", type.valueRequired, type.valueId, type.value, flavour),
      ];
    default:
      return [primitive(name, repetition_type, fieldId, type, flavour)];
  }
}

export function parquetSchema(schema: LakeSchema, flavour: ParquetFlavour): SchemaElement[] {
  return [{ name: "schema", num_children: schema.fields.length }, ...schema.fields.flatMap((f) => elements(f.name, f.required, f.id, f.type, flavour))];
}
