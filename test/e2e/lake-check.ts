// Reading every table of a topic with outside readers and checking what they find: DuckDB over the
// files of each table (plain Parquet, the Delta log's live files, the Iceberg manifests' data
// files), icebird over the Iceberg table, and the Iceberg and Delta schemas.

import { expect } from "bun:test";
import type { Json } from "@duckdb/node-api";
import { deltaColumns, deltaLog, duckdbTable, icebergExists, type IcebergTable, parquetFiles, waitFor } from "./lake-support.ts";

export type Format = "parquet" | "iceberg" | "delta";

export interface DuckdbReading {
  types: Record<string, string>;
  rows: Record<string, Json>[];
}

/** What each table of a topic must hold; the parts of formats the topic has no table in are left out. */
export interface ExpectedTables {
  /** DuckDB over the files of every table of the topic, in partition and offset order. */
  duckdb: DuckdbReading;
  /** DuckDB over a Delta table's files, when they differ (no UUID or TIME annotation there). */
  duckdbDelta?: DuckdbReading;
  /** icebird's rows. It reads a null struct as undefined, longs as bigint, timestamps as Date (to the ms). */
  icebird?: Record<string, unknown>[];
  /** The Iceberg table's current schema, column → type text (lake-support.ts). */
  iceberg?: Record<string, string>;
  /** The Delta table's schemaString, column → type text. */
  delta?: Record<string, string>;
}

/** Where readers find a lake: a directory (kept up to date by `refresh`) and icebird's way in. */
export interface LakeView {
  readonly root: string;
  refresh(): Promise<void>;
  iceberg(topic: string): Promise<IcebergTable>;
  /** The local file of a data file the Iceberg manifests name. */
  localPath(url: string): string;
}

interface Reading {
  duckdb: Partial<Record<Format, DuckdbReading>>;
  deltaColumns?: Record<string, string>;
  icebird?: IcebergTable;
}

async function readTables(view: LakeView, topic: string, formats: readonly Format[]): Promise<Reading> {
  await view.refresh();
  const reading: Reading = { duckdb: {} };
  if (formats.includes("parquet")) reading.duckdb.parquet = await duckdbTable(parquetFiles(view.root, topic));
  if (formats.includes("delta")) {
    const log = deltaLog(view.root, topic);
    reading.duckdb.delta = await duckdbTable(log.files);
    if (log.schema !== null) reading.deltaColumns = deltaColumns(log.schema);
  }
  if (formats.includes("iceberg") && icebergExists(view.root, topic)) {
    reading.icebird = await view.iceberg(topic);
    reading.duckdb.iceberg = await duckdbTable(reading.icebird.files.map((f) => view.localPath(f)));
  }
  return reading;
}

/** Equal, with columns in the same order. */
function expectColumns(actual: Record<string, unknown> | undefined, expected: Record<string, unknown>): void {
  expect(Object.keys(actual ?? {})).toEqual(Object.keys(expected));
  expect(actual).toEqual(expected);
}

/** Waits until each table has as many rows as expected (more fail at once), then checks rows, values and types. */
export async function expectTables(view: LakeView, topic: string, formats: readonly Format[], expected: ExpectedTables): Promise<void> {
  const count = expected.duckdb.rows.length;
  const reading = await waitFor(() => readTables(view, topic, formats), (r) => formats.every((f) => (r.duckdb[f]?.rows.length ?? 0) >= count));
  for (const format of formats) {
    const want = format === "delta" ? (expected.duckdbDelta ?? expected.duckdb) : expected.duckdb;
    expectColumns(reading.duckdb[format]?.types, want.types);
    expect(reading.duckdb[format]?.rows).toEqual(want.rows);
  }
  if (formats.includes("delta")) expectColumns(reading.deltaColumns, expected.delta!);
  if (formats.includes("iceberg")) {
    expectColumns(reading.icebird?.columns, expected.iceberg!);
    expect(reading.icebird?.rows).toEqual(expected.icebird!);
  }
}
