// Reading a lake's tables back with readers nobody here wrote: DuckDB for Parquet files (plain, and
// the data files a Delta log lists) and icebird for Iceberg tables.

import { DuckDBInstance } from "@duckdb/node-api";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { icebergRead } from "icebird";

export interface LakeRow {
  partition: number;
  offset: number;
  [column: string]: unknown;
}

async function duckdb<T>(query: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(query)).getRowObjectsJson() as T[];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const rowsOf = (rows: Record<string, unknown>[]): LakeRow[] =>
  rows.map((r) => ({ ...r, partition: Number(r.partition), offset: Number(r.offset) })).sort((a, b) => a.partition - b.partition || a.offset - b.offset);

function files(dir: string, ending: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(ending) && !f.includes("_claims")).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const list = (paths: string[]) => `[${paths.map((p) => `'${p}'`).join(",")}]`;

/** Every row of the topic's plain Parquet files, with __kafka's partition and offset lifted out. */
export async function parquetRows(lake: string, topic: string, columns: string): Promise<LakeRow[]> {
  const paths = files(join(lake, "parquet", topic), ".parquet");
  if (paths.length === 0) return [];
  return rowsOf(await duckdb(`SELECT __kafka.partition AS partition, __kafka.offset AS offset, ${columns} FROM read_parquet(${list(paths)}, union_by_name = true)`));
}

/** Every row of the Delta table: the add actions of its log replayed, their files read by DuckDB. */
export async function deltaRows(lake: string, topic: string, columns: string): Promise<LakeRow[]> {
  const table = join(lake, "delta", topic);
  const live = new Set<string>();
  for (const commit of files(join(table, "_delta_log"), ".json").sort()) {
    for (const line of readFileSync(commit, "utf8").split("\n").filter((l) => l !== "")) {
      const action = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (action.add !== undefined) live.add(decodeURIComponent(action.add.path));
      if (action.remove !== undefined) live.delete(decodeURIComponent(action.remove.path));
    }
  }
  if (live.size === 0) return [];
  return rowsOf(await duckdb(`SELECT __kafka.partition AS partition, __kafka.offset AS offset, ${columns} FROM read_parquet(${list([...live].map((p) => join(table, p)))}, union_by_name = true)`));
}

/** Every row of the Iceberg table as icebird reads it; [] before the table exists. */
export async function icebergRows(lake: string, topic: string): Promise<LakeRow[]> {
  const table = join(lake, "iceberg", topic);
  if (files(join(table, "metadata"), ".metadata.json").length === 0) return [];
  const rows = (await icebergRead({ tableUrl: pathToFileURL(table).href })) as Record<string, unknown>[];
  return rowsOf(rows.map((r) => ({ ...r, ...(r.__kafka as Record<string, unknown>) })));
}

/** Waits until `read` gives `count` rows (or the time is up) and returns the last read. */
export async function waitForRows(read: () => Promise<LakeRow[]>, count: number, ms = 30_000): Promise<LakeRow[]> {
  const until = Date.now() + ms;
  let rows = await read();
  while (rows.length < count && Date.now() < until) {
    await Bun.sleep(200);
    rows = await read();
  }
  return rows;
}
