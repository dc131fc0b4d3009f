// One export pass of one topic into one of its tables: per partition, the committed records after
// the table's bookmark are read and, once a flush setting is reached, written as Parquet files and
// committed together with the new bookmarks. A commit another broker won first is answered by
// loading the table again and starting over from its new bookmarks, so no record lands twice.

import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";
import { type CommittedRecord, readCommitted } from "./committed-records.ts";
import type { LakeFormat, LakeTable, NewFile, TableState } from "./table.ts";
import type { DataFile, LakeSchema, Row } from "./types.ts";

const DAY_MS = 86_400_000;
/** Commit attempts of one pass; a pass that loses them all tries again at the next check. */
const ATTEMPTS = 5;

export type Result<T> = { kind: "ok"; value: T } | { kind: "error"; message: string };

/** The topic's records as rows of its table (lake/rows.ts over the topic's schema). */
export interface RowSource {
  /** The table schema for the topic's schema now, evolved from the table's own. */
  schema(previous: LakeSchema | null): Result<LakeSchema>;
  row(schema: LakeSchema, partition: number, record: CommittedRecord): Result<Row>;
  /** One data file of the rows, laid out for the readers of `format`. */
  parquet(schema: LakeSchema, rows: readonly Row[], format: LakeFormat): { bytes: Uint8Array; file: Omit<DataFile, "path" | "partitionDay"> };
}

export interface FlushPolicy {
  readonly ms: number;
  readonly rows: number;
  readonly bytes: number;
  readonly byDay: boolean;
}

export interface ExportTarget {
  readonly topic: string;
  readonly partitions: number;
  readonly table: LakeTable;
  readonly source: RowSource;
  readonly policy: FlushPolicy;
}

export interface ExportContext {
  readonly engine: Engine;
  readonly log: Logger;
  readonly maxExportBytes: number;
  readonly now: () => number;
  /** When this broker first saw records waiting, by `location/partition`: flush.ms counts from there. */
  readonly waiting: Map<string, number>;
  /** Records already logged as not fitting, by `location/partition@offset` (logged once each). */
  readonly reported: Set<string>;
}

/** Rows committed by this pass, the table's bookmarks after it, and why it stopped short. */
export interface ExportOutcome {
  readonly rows: number;
  readonly files: number;
  readonly offsets: ReadonlyMap<number, number>;
  /** Each partition's high watermark as this pass read it. */
  readonly highWatermarks: ReadonlyMap<number, number>;
  readonly error: string | null;
}

export async function exportTable(ctx: ExportContext, target: ExportTarget): Promise<ExportOutcome> {
  const highWatermarks = new Map<number, number>();
  const problems: string[] = [];
  const nothing = (state: TableState) => ({ rows: 0, files: 0, offsets: state.offsets, highWatermarks, error: problems[0] ?? null });
  for (let attempt = 0; ; attempt++) {
    const state = await target.table.load();
    const schema = target.source.schema(state.schema);
    if (schema.kind === "error") {
      const reason = `the topic's schema cannot be a table: ${schema.message}`;
      if (!ctx.reported.has(reason)) {
        ctx.reported.add(reason);
        ctx.log.error("lake export stopped", { topic: target.topic, table: target.table.location, reason });
      }
      problems.push(reason);
      return nothing(state);
    }
    problems.length = 0;
    const files: NewFile[] = [];
    const seen = { highWatermarks, problems };
    for (let partition = 0; partition < target.partitions; partition++) files.push(...(await dueFiles(ctx, target, state, schema.value, partition, seen)));
    if (files.length === 0) return nothing(state);
    if ((await target.table.append(state, schema.value, files)) === "committed") {
      const offsets = new Map(state.offsets);
      for (const f of files) {
        offsets.set(f.partition, Math.max(offsets.get(f.partition) ?? -1, f.lastOffset));
        ctx.waiting.delete(`${target.table.location}/${f.partition}`);
      }
      return { rows: files.reduce((n, f) => n + f.file.recordCount, 0), files: files.length, offsets, highWatermarks, error: problems[0] ?? null };
    }
    if (attempt + 1 === ATTEMPTS) {
      ctx.log.warn("lake export gave way: other brokers kept committing first", { topic: target.topic, table: target.table.location });
      return nothing(state);
    }
  }
}

/** The partition's waiting records as files, when a flush setting says they are due; else none. */
async function dueFiles(ctx: ExportContext, target: ExportTarget, state: TableState, schema: LakeSchema, partition: number, seen: { highWatermarks: Map<number, number>; problems: string[] }): Promise<NewFile[]> {
  const { topic, policy } = target;
  const key = `${target.table.location}/${partition}`;
  let from = (state.offsets.get(partition) ?? -1) + 1;
  let read = await readCommitted(ctx.engine, topic, partition, from, ctx.maxExportBytes);
  if (read.kind === "deleted") {
    ctx.log.warn("lake export: records were deleted from the log before they reached the table", { topic, partition, table: target.table.location, from, logStartOffset: read.logStartOffset });
    from = read.logStartOffset;
    read = await readCommitted(ctx.engine, topic, partition, from, ctx.maxExportBytes);
  }
  if (read.kind !== "records") return [];
  seen.highWatermarks.set(partition, read.highWatermark);
  if (read.records.length === 0) {
    ctx.waiting.delete(key);
    return [];
  }
  const now = ctx.now();
  const since = ctx.waiting.get(key) ?? now;
  ctx.waiting.set(key, since);
  const full = read.bytes >= ctx.maxExportBytes;
  if (!full && read.records.length < policy.rows && read.bytes < policy.bytes && now - since < policy.ms) return [];
  const rows: { row: Row; record: CommittedRecord }[] = [];
  for (const record of read.records) {
    const row = target.source.row(schema, partition, record);
    if (row.kind === "error") {
      const stuck = `${key}@${record.offset}`;
      seen.problems.push(`partition ${partition} offset ${record.offset} does not fit the topic's schema: ${row.message}`);
      if (!ctx.reported.has(stuck)) {
        ctx.reported.add(stuck);
        ctx.log.error("lake export stopped at a record that does not fit the topic's schema", { topic, partition, offset: record.offset, table: target.table.location, reason: row.message });
      }
      break;
    }
    rows.push({ row: row.value, record });
  }
  const groups = new Map<number | undefined, typeof rows>();
  for (const r of rows) {
    const day = policy.byDay ? Math.floor(r.record.timestamp / DAY_MS) : undefined;
    const group = groups.get(day);
    if (group === undefined) groups.set(day, [r]);
    else group.push(r);
  }
  return [...groups].map(([day, group]) => {
    const { bytes, file } = target.source.parquet(schema, group.map((g) => g.row), target.table.format);
    return { partition, firstOffset: group[0]!.record.offset, lastOffset: group.at(-1)!.record.offset, bytes, file: day === undefined ? file : { ...file, partitionDay: day } };
  });
}
