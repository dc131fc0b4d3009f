// Test tables for the Iceberg writer: two schemas of a topic table (the second adds a column),
// and small Parquet data files of those schemas written with field ids and the `iceberg.schema`
// key-value metadata, as an Iceberg writer's data files carry them.

import { parquetWriteBuffer } from "hyparquet-writer";
import { icebergDay } from "../../src/lake/iceberg/index.ts";
import { toIcebergSchema } from "../../src/lake/iceberg/schema.ts";
import type { LakeStore } from "../../src/lake/store.ts";
import type { DataFile, LakeField, LakeSchema, LakeValue } from "../../src/lake/types.ts";

const kafka: LakeField = {
  id: 1,
  name: "__kafka",
  required: true,
  type: {
    kind: "struct",
    fields: [
      { id: 2, name: "partition", required: true, type: { kind: "int" } },
      { id: 3, name: "offset", required: true, type: { kind: "long" } },
      { id: 4, name: "timestamp", required: true, type: { kind: "timestamptz" } },
    ],
  },
};

export const SCHEMA_0: LakeSchema = {
  schemaId: 0,
  lastColumnId: 6,
  fields: [kafka, { id: 5, name: "name", required: false, type: { kind: "string" } }, { id: 6, name: "amount", required: false, type: { kind: "long" } }],
};

export const SCHEMA_1: LakeSchema = { schemaId: 1, lastColumnId: 7, fields: [...SCHEMA_0.fields, { id: 7, name: "note", required: false, type: { kind: "string" } }] };

export interface TestRow {
  readonly partition: number;
  readonly offset: bigint;
  /** Microseconds since the epoch. */
  readonly timestamp: bigint;
  readonly name: string | null;
  readonly amount: bigint | null;
  /** Only in files of SCHEMA_1. */
  readonly note?: string | null;
}

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]["schema"]>[number];

function parquetSchema(withNote: boolean): SchemaElement[] {
  return [
    { name: "root", num_children: withNote ? 4 : 3 },
    { name: "__kafka", num_children: 3, repetition_type: "REQUIRED", field_id: 1 },
    { name: "partition", type: "INT32", repetition_type: "REQUIRED", field_id: 2 },
    { name: "offset", type: "INT64", repetition_type: "REQUIRED", field_id: 3 },
    { name: "timestamp", type: "INT64", repetition_type: "REQUIRED", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" }, field_id: 4 },
    { name: "name", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL", field_id: 5 },
    { name: "amount", type: "INT64", repetition_type: "OPTIONAL", field_id: 6 },
    ...(withNote ? [{ name: "note", type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "OPTIONAL" as const, field_id: 7 }] : []),
  ];
}

function stats(values: readonly (string | bigint | null)[]): { nullCount: number; min?: LakeValue; max?: LakeValue } {
  const present = values.filter((v) => v !== null).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return present.length === 0 ? { nullCount: values.length } : { nullCount: values.length - present.length, min: present[0], max: present[present.length - 1] };
}

/** Writes the rows as a Parquet file at `path` in the table and returns its DataFile. */
export async function writeDataFile(store: LakeStore, table: string, path: string, schema: LakeSchema, rows: readonly TestRow[]): Promise<DataFile> {
  const withNote = schema.fields.some((f) => f.name === "note");
  const columnData = [
    { name: "__kafka", data: rows.map((r) => ({ partition: r.partition, offset: r.offset, timestamp: r.timestamp })) },
    { name: "name", data: rows.map((r) => r.name) },
    { name: "amount", data: rows.map((r) => r.amount) },
    ...(withNote ? [{ name: "note", data: rows.map((r) => r.note ?? null) }] : []),
  ];
  const kvMetadata = [{ key: "iceberg.schema", value: JSON.stringify(toIcebergSchema(schema)) }];
  const bytes = new Uint8Array(parquetWriteBuffer({ schema: parquetSchema(withNote), columnData, kvMetadata }));
  await store.put(`${table}/${path}`, bytes);
  const columnStats = new Map([
    [5, stats(rows.map((r) => r.name))],
    [6, stats(rows.map((r) => r.amount))],
    ...(withNote ? [[7, stats(rows.map((r) => r.note ?? null))] as const] : []),
  ]);
  const days = new Set(rows.map((r) => icebergDay(r.timestamp)));
  return { path, sizeInBytes: bytes.byteLength, recordCount: rows.length, columnStats, ...(days.size === 1 ? { partitionDay: [...days][0] } : {}) };
}

/** A row as icebird returns it (timestamps as Dates of millisecond precision). */
export function asRead(row: TestRow, schema: LakeSchema): Record<string, unknown> {
  const read: Record<string, unknown> = {
    __kafka: { partition: row.partition, offset: row.offset, timestamp: new Date(Number(row.timestamp / 1000n)) },
    name: row.name,
    amount: row.amount,
  };
  if (schema.fields.some((f) => f.name === "note")) read.note = row.note;
  return read;
}

let offsets = 0n;
/** Rows with increasing offsets on the given day (days since the epoch). */
export function rows(count: number, day: number, partition = 0, note?: string): TestRow[] {
  return Array.from({ length: count }, (_, i) => ({
    partition,
    offset: offsets++,
    timestamp: BigInt(day) * 86_400_000_000n + BigInt(i) * 1_000_000n,
    name: i % 3 === 2 ? null : `name-${i}`,
    amount: i % 4 === 3 ? null : BigInt(i * 10 - 5),
    ...(note === undefined ? {} : { note: i % 2 === 0 ? `${note}-${i}` : null }),
  }));
}
