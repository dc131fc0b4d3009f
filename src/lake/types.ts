// The table shape every lake format is written from: one schema of typed, id-numbered fields that
// the Parquet writer, the Iceberg metadata and the Delta schemaString all derive from. Field ids
// follow Iceberg's rules: unique within a table, never reused, kept for a field across schema
// changes (a field is the same field while its name and a compatible type stay).

export type LakePrimitive =
  | { kind: "boolean" }
  /** 32-bit signed */
  | { kind: "int" }
  /** 64-bit signed */
  | { kind: "long" }
  | { kind: "float" }
  | { kind: "double" }
  | { kind: "decimal"; precision: number; scale: number }
  /** days since 1970-01-01 */
  | { kind: "date" }
  /** microseconds since midnight */
  | { kind: "time" }
  /** microseconds since the epoch, UTC-adjusted */
  | { kind: "timestamptz" }
  /** microseconds since the epoch, no zone */
  | { kind: "timestamp" }
  | { kind: "string" }
  | { kind: "uuid" }
  | { kind: "binary" };

export type LakeType =
  | LakePrimitive
  | { kind: "struct"; fields: readonly LakeField[] }
  | { kind: "list"; elementId: number; elementRequired: boolean; element: LakeType }
  | { kind: "map"; keyId: number; valueId: number; valueRequired: boolean; key: LakeType; value: LakeType };

export interface LakeField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: LakeType;
  readonly doc?: string;
}

export interface LakeSchema {
  /** Iceberg's schema-id: 0 for a table's first schema, +1 at each change. */
  readonly schemaId: number;
  readonly fields: readonly LakeField[];
  /** The highest field id used by this or any earlier schema of the table. */
  readonly lastColumnId: number;
}

/**
 * One row: field name → value. Values by kind: boolean; int/float/double/date number; long/time/
 * timestamp/timestamptz bigint; decimal bigint (unscaled); string/uuid string (uuid in its 8-4-4-4-12
 * text); binary Uint8Array; struct a Row; list an array; map a Map. null for a missing optional value.
 */
export type LakeValue = null | boolean | number | bigint | string | Uint8Array | Row | readonly LakeValue[] | ReadonlyMap<LakeValue, LakeValue>;
export interface Row {
  readonly [name: string]: LakeValue;
}

/** What a data file holds, as both table formats record it in their metadata. */
export interface DataFile {
  /** Relative to the table's root, e.g. `data/…/….parquet`. */
  readonly path: string;
  readonly sizeInBytes: number;
  readonly recordCount: number;
  /** Per top-level primitive field id: nulls, and min/max as the row value (absent when not kept). */
  readonly columnStats: ReadonlyMap<number, { nullCount: number; min?: LakeValue; max?: LakeValue }>;
  /** Identity of the partition the rows fall in, when the table is partitioned by day. */
  readonly partitionDay?: number;
}
