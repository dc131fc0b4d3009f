// Writes rows as a Parquet file in a fresh temporary directory and reads it back with DuckDB: the
// rows as DuckDB's JSON form, each column's DuckDB type, and the file's Parquet schema elements.

import { DuckDBInstance, type Json } from "@duckdb/node-api";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeParquet } from "../../src/lake/parquet.ts";
import type { ParquetFlavour } from "../../src/lake/parquet-schema.ts";
import type { LakeSchema, Row } from "../../src/lake/types.ts";

export interface ReadBack {
  rows: Record<string, Json>[];
  /** Column name → DuckDB type. */
  types: Record<string, string>;
  /** Parquet schema element name path (dotted, without the root) → its description. */
  elements: Map<string, { type: string | null; logical: string | null; fieldId: number | null; repetition: string | null }>;
}

export async function readBack(schema: LakeSchema, rows: readonly Row[], query = "SELECT * FROM t", flavour: ParquetFlavour = "iceberg"): Promise<ReadBack> {
  const dir = mkdtempSync(join(tmpdir(), "lake-parquet-"));
  const path = join(dir, "data.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    writeFileSync(path, writeParquet(schema, rows, flavour).bytes);
    await db.run(`CREATE VIEW t AS SELECT * FROM read_parquet('${path}')`);
    const data = (await db.runAndReadAll(query)).getRowObjectsJson();
    const described = (await db.runAndReadAll("DESCRIBE t")).getRowObjectsJson();
    const types = Object.fromEntries(described.map((c) => [String(c.column_name), String(c.column_type)]));
    const parquet = (await db.runAndReadAll(`SELECT name, type, logical_type, field_id, repetition_type, num_children FROM parquet_schema('${path}')`)).getRowObjectsJson();
    return { rows: data, types, elements: elementPaths(parquet) };
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** parquet_schema lists elements depth first; rebuild each one's path from the child counts. */
function elementPaths(parquet: Record<string, Json>[]): ReadBack["elements"] {
  const result: ReadBack["elements"] = new Map();
  const stack: { path: string; left: number }[] = [];
  for (const [i, e] of parquet.entries()) {
    while (stack.length > 0 && stack.at(-1)!.left === 0) stack.pop();
    const parent = stack.at(-1);
    if (parent !== undefined) parent.left--;
    const path = i === 0 ? "" : parent === undefined || parent.path === "" ? String(e.name) : `${parent.path}.${String(e.name)}`;
    if (i > 0) {
      const text = (v: Json | undefined) => (v === null || v === undefined ? null : String(v));
      result.set(path, { type: text(e.type), logical: text(e.logical_type), fieldId: e.field_id === null || e.field_id === undefined ? null : Number(e.field_id), repetition: text(e.repetition_type) });
    }
    const children = Number(e.num_children ?? 0);
    if (children > 0) stack.push({ path, left: children });
  }
  return result;
}
