// Each format behind the one LakeTable shape the exporter uses. Iceberg and Delta tables get their
// data files under `data/` (named by a random UUID, written before the commit that makes them part
// of the table, removed again when that commit loses a race); plain Parquet has its own layout.

import { commitDelta, type DeltaTable, loadDeltaTable } from "./delta/index.ts";
import type { ExportContext, RowSource } from "./export-table.ts";
import { readCommitted } from "./committed-records.ts";
import { commitIceberg, loadIcebergTable } from "./iceberg/index.ts";
import { ParquetTable } from "./parquet-table.ts";
import type { LakeStore } from "./store.ts";
import type { LakeFormat, LakeTable, NewFile, TableState } from "./table.ts";
import type { DataFile, LakeSchema } from "./types.ts";

const numbers = (offsets: ReadonlyMap<number, bigint>) => new Map([...offsets].map(([p, o]) => [p, Number(o)]));
const bigints = (files: readonly NewFile[], state: TableState) => {
  const offsets = new Map<number, bigint>();
  for (const f of files) offsets.set(f.partition, BigInt(Math.max(f.lastOffset, state.offsets.get(f.partition) ?? -1, Number(offsets.get(f.partition) ?? -1n))));
  return offsets;
};

/** Writes the new files' bytes under `root/data/`; the DataFiles name them relative to the table. */
async function writeData(store: LakeStore, root: string, files: readonly NewFile[]): Promise<DataFile[]> {
  const written: DataFile[] = [];
  for (const f of files) {
    const dir = f.file.partitionDay === undefined ? "data" : `data/kafka_day=${f.file.partitionDay}`;
    const path = `${dir}/${f.partition}-${f.firstOffset}-${crypto.randomUUID()}.parquet`;
    await store.put(`${root}/${path}`, f.bytes);
    written.push({ ...f.file, path });
  }
  return written;
}

const removeData = (store: LakeStore, root: string, files: readonly DataFile[]) => Promise.all(files.map((f) => store.delete(`${root}/${f.path}`)));

class IcebergLakeTable implements LakeTable {
  readonly format = "iceberg" as const;
  readonly location: string;
  constructor(
    private readonly store: LakeStore,
    private readonly root: string,
    private readonly topic: string,
    private readonly byDay: () => boolean,
  ) {
    this.location = store.location(root);
  }

  async load(): Promise<TableState> {
    const table = await loadIcebergTable(this.store, this.root);
    return table === null ? { offsets: new Map(), schema: null, version: 0 } : { offsets: numbers(table.offsets), schema: table.schema, version: table.version };
  }

  async append(state: TableState, schema: LakeSchema, files: readonly NewFile[]): Promise<"committed" | "conflict"> {
    const data = await writeData(this.store, this.root, files);
    const result = await commitIceberg(this.store, this.root, { expectedVersion: state.version, schema, partitionByDay: this.byDay(), files: data, offsets: bigints(files, state), topic: this.topic });
    if (result.kind === "committed") return "committed";
    await removeData(this.store, this.root, data);
    return "conflict";
  }
}

class DeltaLakeTable implements LakeTable {
  readonly format = "delta" as const;
  readonly location: string;
  /** The table as last loaded: a commit builds on it. */
  private loaded: DeltaTable | null = null;
  constructor(
    private readonly store: LakeStore,
    private readonly root: string,
    private readonly topic: string,
    private readonly byDay: () => boolean,
  ) {
    this.location = store.location(root);
  }

  async load(): Promise<TableState> {
    this.loaded = await loadDeltaTable(this.store, this.root, this.topic);
    const t = this.loaded;
    return t === null ? { offsets: new Map(), schema: null, version: -1 } : { offsets: numbers(t.offsets), schema: t.schema, version: t.version };
  }

  async append(state: TableState, schema: LakeSchema, files: readonly NewFile[]): Promise<"committed" | "conflict"> {
    const base = this.loaded !== null && this.loaded.version === state.version ? this.loaded : null;
    if (base === null && state.version !== -1) return "conflict";
    const data = await writeData(this.store, this.root, files);
    const result = await commitDelta(this.store, this.root, base, { topic: this.topic, schema, partitionByDay: base?.partitionByDay ?? this.byDay(), files: data, offsets: bigints(files, state) });
    if (result.kind === "committed") {
      this.loaded = result.table;
      return "committed";
    }
    await removeData(this.store, this.root, data);
    return "conflict";
  }
}

/** What a table reads of its topic as it is now. */
export interface TableTopic {
  readonly partitions: () => number;
  readonly byDay: () => boolean;
  readonly source: () => RowSource;
  readonly exporting: ExportContext;
}

export function openTable(format: LakeFormat, store: LakeStore, topic: string, { partitions, byDay, source: currentSource, exporting }: TableTopic): LakeTable {
  const root = `${format}/${topic}`;
  if (format === "iceberg") return new IcebergLakeTable(store, root, topic, byDay);
  if (format === "delta") return new DeltaLakeTable(store, root, topic, byDay);
  // a claimed range whose writer died is written again from the same committed records
  return new ParquetTable(store, root, partitions, async (partition, firstOffset, lastOffset) => {
    const source = currentSource();
    const schema = source.schema(null);
    if (schema.kind === "error") return null;
    const read = await readCommitted(exporting.engine, topic, partition, firstOffset, Number.MAX_SAFE_INTEGER);
    if (read.kind !== "records") return null;
    const rows = [];
    for (const record of read.records.filter((r) => r.offset <= lastOffset)) {
      const row = source.row(partition, record);
      if (row.kind === "error") return null;
      rows.push(row.value);
    }
    return source.parquet(schema.value, rows, "parquet").bytes;
  });
}
