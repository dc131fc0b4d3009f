// One export pass of one topic into one of its tables: per partition, the committed records after
// the table's bookmark are read and, once a flush setting is reached, written as Parquet files and
// committed together with the new bookmarks. A commit another broker won first is answered by
// loading the table again and starting over from its new bookmarks, so no record lands twice.

import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";
import { type CommittedRecord, readCommitted, tallyCommitted } from "./committed-records.ts";
import type { LakeFormat, LakeTable, NewFile, TableState } from "./table.ts";
import type { DataFile, LakeSchema, Row } from "./types.ts";

const DAY_MS = 86_400_000;
/** Commit attempts of one pass; a pass that loses them all tries again at the next check. */
const ATTEMPTS = 5;
const YIELD_EVERY_ROWS = 4096;

export type Result<T> = { kind: "ok"; value: T } | { kind: "error"; message: string };

/** The topic's records as rows of its table (lake/rows.ts over the topic's schema). */
export interface RowSource {
  /** The table schema for the topic's schema now, evolved from the table's own. */
  schema(previous: LakeSchema | null): Result<LakeSchema>;
  row(partition: number, record: CommittedRecord): Result<Row>;
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

/**
 * Records past a table's bookmark (`from`) as counted so far: each check counts only what arrived
 * since (batch headers, nothing decoded) until a flush setting is reached.
 */
export interface Waiting {
  /** When this broker first saw them: flush.ms counts from there. */
  readonly since: number;
  readonly from: number;
  nextOffset: number;
  records: number;
  bytes: number;
}

export interface ExportContext {
  readonly engine: Engine;
  readonly log: Logger;
  readonly maxExportBytes: number;
  readonly now: () => number;
  /** What waits past each table's bookmark, by `location/partition`. */
  readonly waiting: Map<string, Waiting>;
  /** Records already logged as not fitting, by `location/partition@offset` (logged once each). */
  readonly reported: Set<string>;
  /** A sink topic's oldest waiting produce: its records were seen then, before any check counted them. */
  readonly waitingSince?: (topic: string, partition: number) => number | undefined;
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
    const seen = { highWatermarks, problems, carried: new Map<number, number>() };
    for (let partition = 0; partition < target.partitions; partition++) files.push(...(await dueFiles(ctx, target, state, schema.value, partition, seen)));
    if (files.length === 0) return nothing(state);
    if ((await target.table.append(state, schema.value, files)) === "committed") {
      const offsets = new Map(state.offsets);
      for (const f of files) offsets.set(f.partition, Math.max(offsets.get(f.partition) ?? -1, f.lastOffset));
      for (const partition of new Set(files.map((f) => f.partition))) {
        const key = `${target.table.location}/${partition}`;
        const since = seen.carried.get(partition);
        const from = offsets.get(partition)! + 1;
        if (since === undefined) ctx.waiting.delete(key);
        else ctx.waiting.set(key, { since, from, nextOffset: from, records: 0, bytes: 0 });
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
async function dueFiles(ctx: ExportContext, target: ExportTarget, state: TableState, schema: LakeSchema, partition: number, seen: { highWatermarks: Map<number, number>; problems: string[]; carried: Map<number, number> }): Promise<NewFile[]> {
  const { topic, policy } = target;
  const key = `${target.table.location}/${partition}`;
  const from = (state.offsets.get(partition) ?? -1) + 1;
  const waiting = await tally(ctx, target, partition, key, from);
  if (waiting === null) return [];
  seen.highWatermarks.set(partition, waiting.highWatermark);
  if (waiting.records === 0) return [];
  const full = waiting.bytes >= ctx.maxExportBytes;
  if (!full && waiting.records < policy.rows && waiting.bytes < policy.bytes && ctx.now() - waiting.since < policy.ms) return [];
  const read = await readCommitted(ctx.engine, topic, partition, waiting.from, ctx.maxExportBytes);
  if (read.kind !== "records") return [];
  let records = read.records;
  // due by rows alone: whole multiples of flush.rows are written; the rest keeps waiting, its age kept
  const byRowsAlone = !full && waiting.bytes < policy.bytes && ctx.now() - waiting.since < policy.ms;
  const whole = records.length - (records.length % policy.rows);
  if (byRowsAlone && whole > 0 && whole < records.length) {
    records = records.slice(0, whole);
    seen.carried.set(partition, waiting.since);
  }
  const rows: { row: Row; record: CommittedRecord }[] = [];
  for (const record of records) {
    // a long export lets the broker answer its clients in between
    if (rows.length % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await new Promise((resolve) => setImmediate(resolve));
    const row = target.source.row(partition, record);
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

/** The partition's waiting records counted up to now, or null when the log cannot be read. */
async function tally(ctx: ExportContext, target: ExportTarget, partition: number, key: string, bookmark: number): Promise<(Waiting & { highWatermark: number }) | null> {
  let from = bookmark;
  const waiting = ctx.waiting.get(key);
  for (;;) {
    const since = Math.min(ctx.now(), ctx.waitingSince?.(target.topic, partition) ?? Infinity);
    const start = waiting?.from === from ? waiting : { since, from, nextOffset: from, records: 0, bytes: 0 };
    const counted = await tallyCommitted(ctx.engine, target.topic, partition, start.nextOffset, Math.max(1, ctx.maxExportBytes - start.bytes));
    if (counted.kind === "failed") return null;
    if (counted.kind === "deleted") {
      if (from >= counted.logStartOffset) return null;
      if (waiting?.from !== counted.logStartOffset) {
        ctx.log.warn("lake export: records were deleted from the log before they reached the table", { topic: target.topic, partition, table: target.table.location, from, logStartOffset: counted.logStartOffset });
      }
      from = counted.logStartOffset;
      continue;
    }
    const next = { ...start, nextOffset: counted.nextOffset, records: start.records + counted.records, bytes: start.bytes + counted.bytes };
    if (next.records === 0) ctx.waiting.delete(key);
    else ctx.waiting.set(key, next);
    return { ...next, highWatermark: counted.highWatermark };
  }
}
