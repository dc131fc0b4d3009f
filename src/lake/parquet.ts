// Rows of one data file → the Parquet file's bytes (the statistics the table formats record are
// parquet-stats.ts', computed only for them).
// Columns are zstd-compressed; row groups hold up to a million rows or about 128 MiB of values,
// whichever comes first, so a file the exporter sizes for analytics is read in few, large groups.

import { parquetWriteBuffer } from "hyparquet-writer";
import { type ParquetFlavour, parquetSchema } from "./parquet-schema.ts";
import { holdsUuid, uuidsAsBytes } from "./parquet-values.ts";
import type { LakeSchema, LakeValue, Row } from "./types.ts";

const ROW_GROUP_ROWS = 1_000_000;
const ROW_GROUP_BYTES = 128 * 1024 * 1024;
const SAMPLE_ROWS = 1000;

export interface ParquetFile {
  readonly bytes: Uint8Array;
  readonly recordCount: number;
}

/** Roughly the bytes a value takes before encoding: enough to size row groups. */
function size(v: LakeValue): number {
  if (v === null || typeof v === "boolean") return 1;
  if (typeof v === "number" || typeof v === "bigint") return 8;
  if (typeof v === "string") return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  let total = 0;
  if (Array.isArray(v)) for (const e of v as readonly LakeValue[]) total += size(e);
  else if (v instanceof Map) for (const [k, e] of v) total += size(k) + size(e);
  else for (const e of Object.values(v as Row)) total += size(e);
  return total;
}

function rowGroupRows(rows: readonly Row[]): number {
  const sample = rows.slice(0, SAMPLE_ROWS);
  const bytes = sample.reduce((sum, row) => sum + size(row), 0);
  const perRow = Math.max(1, bytes / Math.max(1, sample.length));
  return Math.max(1, Math.min(ROW_GROUP_ROWS, Math.floor(ROW_GROUP_BYTES / perRow)));
}

/** `flavour`: the table format whose readers get the file (a plain Parquet table reads as Iceberg's). */
export function writeParquet(schema: LakeSchema, rows: readonly Row[], flavour: ParquetFlavour = "iceberg"): ParquetFile {
  const column = (f: LakeSchema["fields"][number]) =>
    flavour === "delta" && holdsUuid(f.type) ? rows.map((r) => uuidsAsBytes(f.type, r[f.name] ?? null)) : rows.map((r) => r[f.name] ?? null);
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(schema, flavour),
    columnData: schema.fields.map((f) => ({ name: f.name, data: column(f) })),
    codec: "ZSTD",
    compressors: { ZSTD: (input) => Bun.zstdCompressSync(input) },
    rowGroupSize: rowGroupRows(rows),
    createdBy: "tansu",
  });
  return { bytes: new Uint8Array(buffer), recordCount: rows.length };
}
