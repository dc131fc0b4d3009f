// The in-process peer of the lake benchmark: the same Avro keys and values decoded into table rows
// (tableSchema once, toRow per record) and written as one Parquet file with writeParquet — the
// work of an export without the broker, its storage, its reads of the log or the network.

import { join } from "node:path";
import { toRow } from "../../src/lake/rows.ts";
import { tableSchema } from "../../src/lake/table-schema.ts";
import { writeParquet } from "../../src/lake/parquet.ts";
import { compileSchema } from "../../src/schema/compile.ts";
import type { KeyValue } from "./lake-records.ts";

export interface DirectRun {
  readonly seconds: number;
  readonly rows: number;
  readonly fileBytes: number;
}

/** Rows of `records` (offsets from 0, partition 0) into `dir/direct.parquet`, timed from decoding to the written file. */
export async function writeDirect(schemaText: string, records: readonly KeyValue[], timestamp: number, dir: string): Promise<DirectRun> {
  const topicSchema = await compileSchema("avro", schemaText, "bench.avsc");
  const t0 = performance.now();
  const table = tableSchema(topicSchema, null);
  if (table.kind === "error") throw new Error(table.message);
  const rows = records.map((r, i) => {
    const row = toRow({ partition: 0, offset: BigInt(i), timestamp: BigInt(timestamp), key: r.key, value: r.value, headers: [] }, table.mapped);
    if (row.kind === "error") throw new Error(`record ${i}: ${row.message}`);
    return row.row;
  });
  const file = writeParquet(table.schema, rows);
  await Bun.write(join(dir, "direct.parquet"), file.bytes);
  return { seconds: (performance.now() - t0) / 1000, rows: file.recordCount, fileBytes: file.bytes.byteLength };
}
