// Reading a lake's tables back with readers nobody here wrote: DuckDB for Parquet files (plain, and
// the data files a Delta log lists) and icebird for Iceberg tables.

import { DuckDBInstance, type Json } from "@duckdb/node-api";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { icebergManifests, icebergMetadata, icebergRead } from "icebird";

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

/** The Delta table's log replayed: the paths of its live files and its latest metaData's schema. */
export function deltaLog(lake: string, topic: string): { files: string[]; schema: unknown } {
  const table = join(lake, "delta", topic);
  const live = new Set<string>();
  let schema: unknown = null;
  for (const commit of files(join(table, "_delta_log"), ".json").sort()) {
    for (const line of readFileSync(commit, "utf8").split("\n").filter((l) => l !== "")) {
      const action = JSON.parse(line) as { add?: { path: string }; remove?: { path: string }; metaData?: { schemaString: string } };
      if (action.add !== undefined) live.add(decodeURIComponent(action.add.path));
      if (action.remove !== undefined) live.delete(decodeURIComponent(action.remove.path));
      if (action.metaData !== undefined) schema = JSON.parse(action.metaData.schemaString);
    }
  }
  return { files: [...live].map((p) => join(table, p)), schema };
}

/** Every row of the Delta table: the add actions of its log replayed, their files read by DuckDB. */
export async function deltaRows(lake: string, topic: string, columns: string): Promise<LakeRow[]> {
  const live = deltaLog(lake, topic).files;
  if (live.length === 0) return [];
  return rowsOf(await duckdb(`SELECT __kafka.partition AS partition, __kafka.offset AS offset, ${columns} FROM read_parquet(${list(live)}, union_by_name = true)`));
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

/** Waits until `done` holds for what `read` gives (or the time is up) and returns the last read. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await Bun.sleep(200);
    value = await read();
  }
  return value;
}

/** The topic's plain Parquet files (claims left out). */
export const parquetFiles = (lake: string, topic: string): string[] => files(join(lake, "parquet", topic), ".parquet");

/** DuckDB's reading of Parquet files: every row in partition and offset order, and each column's type. */
export async function duckdbTable(paths: readonly string[]): Promise<{ rows: Record<string, Json>[]; types: Record<string, string> }> {
  if (paths.length === 0) return { rows: [], types: {} };
  const from = `read_parquet(${list([...paths])}, union_by_name = true)`;
  const rows = await duckdb<Record<string, Json>>(`SELECT * FROM ${from} ORDER BY __kafka.partition, __kafka.offset`);
  const described = await duckdb<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${from}`);
  return { rows, types: Object.fromEntries(described.map((c) => [c.column_name, c.column_type])) };
}

type IcebergType = string | { type: "struct"; fields: IcebergField[] } | { type: "list"; element: IcebergType; "element-required": boolean } | { type: "map"; key: IcebergType; value: IcebergType; "value-required": boolean };
interface IcebergField {
  name: string;
  required: boolean;
  type: IcebergType;
}
type DeltaType = string | { type: "struct"; fields: DeltaField[] } | { type: "array"; elementType: DeltaType; containsNull: boolean } | { type: "map"; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };
interface DeltaField {
  name: string;
  nullable: boolean;
  type: DeltaType;
}

/** A type as text in the schema's own words; `?` after a type: it may be null. */
const maybe = (text: string, optional: boolean) => (optional ? `${text}?` : text);

function icebergType(t: IcebergType): string {
  if (typeof t === "string") return t;
  if (t.type === "struct") return `struct<${t.fields.map((f) => `${f.name}: ${maybe(icebergType(f.type), !f.required)}`).join(", ")}>`;
  if (t.type === "list") return `list<${maybe(icebergType(t.element), !t["element-required"])}>`;
  return `map<${icebergType(t.key)}, ${maybe(icebergType(t.value), !t["value-required"])}>`;
}

function deltaType(t: DeltaType): string {
  if (typeof t === "string") return t;
  if (t.type === "struct") return `struct<${t.fields.map((f) => `${f.name}: ${maybe(deltaType(f.type), f.nullable)}`).join(", ")}>`;
  if (t.type === "array") return `array<${maybe(deltaType(t.elementType), t.containsNull)}>`;
  return `map<${deltaType(t.keyType)}, ${maybe(deltaType(t.valueType), t.valueContainsNull)}>`;
}

/** A Delta schemaString's (parsed) columns: name → type text. */
export const deltaColumns = (schema: unknown): Record<string, string> => Object.fromEntries((schema as { fields: DeltaField[] }).fields.map((f) => [f.name, maybe(deltaType(f.type), f.nullable)]));

export interface IcebergTable {
  /** Rows as icebird returns them, in partition and offset order. */
  rows: Record<string, unknown>[];
  /** The current snapshot's data files, as the manifests name them. */
  files: string[];
  /** The current schema's columns: name → type text. */
  columns: Record<string, string>;
}

/** The Iceberg table at `tableUrl` as icebird reads it (its metadata, manifests and rows). */
export async function icebergTable(tableUrl: string): Promise<IcebergTable> {
  const metadata = await icebergMetadata({ tableUrl });
  const schema = metadata.schemas.find((s) => s["schema-id"] === metadata["current-schema-id"]) as unknown as { fields: IcebergField[] };
  const entries = (await icebergManifests(metadata)).flatMap((m) => m.entries).filter((e) => e.status !== 2 && e.data_file.content === 0);
  const kafka = (r: Record<string, unknown>) => r.__kafka as { partition: number; offset: bigint };
  const rows = ((await icebergRead({ tableUrl, metadata })) as Record<string, unknown>[]).sort((a, b) => kafka(a).partition - kafka(b).partition || Number(kafka(a).offset - kafka(b).offset));
  return { rows, files: entries.map((e) => e.data_file.file_path), columns: Object.fromEntries(schema.fields.map((f) => [f.name, maybe(icebergType(f.type), !f.required)])) };
}

/** Whether a table's first metadata version is in a lake directory. */
export const icebergExists = (lake: string, topic: string): boolean => files(join(lake, "iceberg", topic, "metadata"), ".metadata.json").length > 0;
