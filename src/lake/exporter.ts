// Every broker with --lake-url looks at each topic with tansu.lake.format every
// --lake-check-interval-ms and exports what is due into each of its tables (export-table.ts).
// Brokers need not agree on who exports: tables take commits conditionally, so a broker that lost
// a race loads the table again and finds the records already there. A sink topic's log start then
// moves past what every one of its tables holds.

import type { BrokerConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import type { SchemaRegistry } from "../schema/registry.ts";
import { every } from "../server/periodic.ts";
import type { Engine, TopicInfo } from "../storage/engine.ts";
import { topicConfigValue } from "../topics/configs.ts";
import type { ExportContext, ExportOutcome, FlushPolicy, RowSource } from "./export-table.ts";
import type { LakeProgress } from "./progress.ts";
import type { SinkCommits } from "./sink.ts";
import type { LakeStore } from "./store.ts";
import type { LakeFormat, LakeTable } from "./table.ts";

/** What exporting needs (Parquet writing, the table formats), loaded once a topic has a lake format. */
const loadExport = async () => {
  const [{ exportTable }, { rowSourceFor }, { openTable }] = await Promise.all([import("./export-table.ts"), import("./row-source.ts"), import("./tables.ts")]);
  return { exportTable, rowSourceFor, openTable };
};
type ExportCode = Awaited<ReturnType<typeof loadExport>>;

export interface LakeExportContext {
  readonly engine: Engine;
  readonly log: Logger;
  readonly config: BrokerConfig;
  readonly schemas?: SchemaRegistry;
  readonly store: LakeStore;
  /** Told what sink topics' tables hold, for the producers waiting on them. */
  readonly sink?: SinkCommits;
  /** Where the admin port reads each table's lag. */
  readonly progress?: LakeProgress;
}

export const isSink = (config: BrokerConfig, topic: TopicInfo): boolean => topicConfigValue(config, topic, "tansu.lake.sink") === "true";

export function lakeFormats(config: BrokerConfig, topic: TopicInfo): LakeFormat[] {
  const value = topicConfigValue(config, topic, "tansu.lake.format");
  return value === "" ? [] : (value.split(",").map((f) => f.trim()) as LakeFormat[]);
}

/** A sink topic's producers wait for the flush, so unless set its flush.ms is SINK_FLUSH_MS. */
const SINK_FLUSH_MS = 1000;

function flushPolicy(config: BrokerConfig, topic: TopicInfo): FlushPolicy {
  const number = (name: string) => Number(topicConfigValue(config, topic, name));
  const sinkDefault = topic.configs["tansu.lake.flush.ms"] === undefined && isSink(config, topic);
  return { ms: sinkDefault ? SINK_FLUSH_MS : number("tansu.lake.flush.ms"), rows: number("tansu.lake.flush.rows"), bytes: number("tansu.lake.flush.bytes"), byDay: topicConfigValue(config, topic, "tansu.lake.partition") === "day" };
}

/** One pass over every lake topic; returns the rows each table got (for tests and metrics). */
export class LakeExporter {
  private readonly tables = new Map<string, LakeTable>();
  /** Each lake topic as last listed, with its rows: tables read them when they need them. */
  private readonly current = new Map<string, { topic: TopicInfo; source: RowSource }>();
  /** Per sink `topic/partition`, the log start this broker last moved it to. */
  private readonly released = new Map<string, number>();
  private readonly exporting: ExportContext;
  private code: Promise<ExportCode> | undefined;
  /** The pass running or queued last: passes run one at a time. */
  private last: Promise<unknown> = Promise.resolve();
  /** A pass `waited` asked for has not ended yet. */
  private soon = false;
  /** Sink topics a produce waits on that no pass has seen yet. */
  private readonly learning = new Set<string>();
  /** Per sink topic, the pass due flush.ms after a produce began to wait. */
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly ctx: LakeExportContext) {
    const sink = ctx.sink;
    this.exporting = {
      engine: ctx.engine,
      log: ctx.log,
      maxExportBytes: ctx.config.lakeMaxExportBytes,
      now: Date.now,
      waiting: new Map(),
      reported: new Set(),
      ...(sink === undefined ? {} : { waitingSince: (topic: string, partition: number) => sink.waitingSince(topic, partition) }),
    };
  }

  /** One pass, after any pass already running. */
  pass(): Promise<Map<string, number>> {
    const next = this.last.then(() => this.passNow());
    this.last = next.catch(() => {});
    return next;
  }

  /**
   * A sink topic's producers wait for its tables: a pass runs as soon as the current one ends once a
   * partition holds flush.rows past them, and flush.ms after a produce first waits, not at the
   * checks after.
   */
  waited(topic: string, offsetsPastTables: number): void {
    const current = this.current.get(topic);
    if (current === undefined) {
      // a topic no pass has seen yet: a pass learns its configs (and exports what is due)
      if (this.learning.has(topic)) return;
      this.learning.add(topic);
      this.pass().then(
        () => {
          this.learning.delete(topic);
          if (this.current.has(topic)) this.waited(topic, offsetsPastTables);
        },
        (e: unknown) => {
          this.learning.delete(topic);
          this.ctx.log.warn("lake export failed", { error: String(e) });
        },
      );
      return;
    }
    const policy = flushPolicy(this.ctx.config, current.topic);
    if (offsetsPastTables >= policy.rows) this.passSoon();
    // also when rows are due: a file takes whole multiples of flush.rows, and the rest waits for this
    if (!this.timers.has(topic)) {
      const timer = setTimeout(() => {
        this.timers.delete(topic);
        this.passSoon();
      }, policy.ms);
      timer.unref();
      this.timers.set(topic, timer);
    }
  }

  /** Stops the timers `waited` set. */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private passSoon(): void {
    if (this.soon) return;
    this.soon = true;
    this.pass()
      .catch((e: unknown) => this.ctx.log.warn("lake export failed", { error: String(e) }))
      .finally(() => {
        this.soon = false;
      });
  }

  private async passNow(): Promise<Map<string, number>> {
    const exported = new Map<string, number>();
    for (const topic of await this.ctx.engine.listTopics()) {
      const formats = lakeFormats(this.ctx.config, topic);
      if (formats.length === 0) continue;
      const code = await (this.code ??= loadExport());
      const source = await code.rowSourceFor(topic.name, this.ctx.schemas, this.ctx.log);
      if (source === null) continue;
      this.current.set(topic.name, { topic, source });
      const bookmarks: ReadonlyMap<number, number>[] = [];
      for (const format of formats) {
        const table = this.table(code, format, topic.name);
        let outcome: ExportOutcome;
        try {
          outcome = await code.exportTable(this.exporting, { topic: topic.name, partitions: topic.partitionCount, table, source, policy: flushPolicy(this.ctx.config, topic) });
        } catch (e) {
          // the lake or storage failed this pass: nothing half-written is visible, the next pass retries
          const error = `export failed: ${e instanceof Error ? e.message : String(e)}`;
          const progress = this.ctx.progress?.table(topic.name, format, table.location);
          if (progress?.error !== error) this.ctx.log.warn("lake export failed", { topic: topic.name, table: table.location, error });
          if (progress !== undefined) progress.error = error;
          bookmarks.push(new Map());
          continue;
        }
        exported.set(table.location, outcome.rows);
        bookmarks.push(outcome.offsets);
        this.record(topic, format, table, outcome);
      }
      if (isSink(this.ctx.config, topic)) await this.releaseLog(topic, bookmarks);
    }
    return exported;
  }

  private table(code: ExportCode, format: LakeFormat, name: string): LakeTable {
    const key = `${format}/${name}`;
    let table = this.tables.get(key);
    if (table === undefined) {
      const now = () => this.current.get(name)!;
      table = code.openTable(format, this.ctx.store, name, {
        partitions: () => now().topic.partitionCount,
        byDay: () => topicConfigValue(this.ctx.config, now().topic, "tansu.lake.partition") === "day",
        source: () => now().source,
        exporting: this.exporting,
      });
      this.tables.set(key, table);
    }
    return table;
  }

  private record(topic: TopicInfo, format: LakeFormat, table: LakeTable, outcome: ExportOutcome): void {
    const progress = this.ctx.progress?.table(topic.name, format, table.location);
    if (progress === undefined) return;
    progress.exportedRows += outcome.rows;
    if (outcome.files > 0) progress.commits++;
    progress.error = outcome.error;
    progress.checkedAt = Date.now();
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      const highWatermark = outcome.highWatermarks.get(partition) ?? progress.partitions.get(partition)?.highWatermark ?? 0;
      const waitingSince = this.exporting.waiting.get(`${table.location}/${partition}`)?.since ?? null;
      progress.partitions.set(partition, { tableOffset: outcome.offsets.get(partition) ?? -1, highWatermark, waitingSince });
    }
  }

  /** A sink topic keeps in its log only what some table does not hold yet. */
  private async releaseLog(topic: TopicInfo, bookmarks: readonly ReadonlyMap<number, number>[]): Promise<void> {
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      const logStart = Math.min(...bookmarks.map((b) => b.get(partition) ?? -1)) + 1;
      if (logStart > 0) this.ctx.sink?.holds(topic.name, partition, logStart - 1);
      const key = `${topic.name}/${partition}`;
      if (logStart <= (this.released.get(key) ?? 0)) continue;
      const result = await this.ctx.engine.deleteRecords(topic.name, partition, logStart);
      if (result.errorCode === 0) this.released.set(key, logStart);
      else this.ctx.log.warn("lake sink: the log start could not move", { topic: topic.name, partition, errorCode: result.errorCode });
    }
  }
}

/** Starts the periodic export; returns its stop. */
export function startLakeExport(ctx: LakeExportContext): () => void {
  const exporter = new LakeExporter(ctx);
  const sink = ctx.sink;
  if (sink !== undefined) sink.onWait = (topic, offsetsPastTables) => exporter.waited(topic, offsetsPastTables);
  const stop = every(ctx.config.lakeCheckIntervalMs, "lake export", ctx.log, async () => {
    await exporter.pass();
  });
  return () => {
    stop();
    exporter.stop();
    if (sink !== undefined) sink.onWait = undefined;
  };
}
