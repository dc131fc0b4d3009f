// `tansu perf consume`: consumers, each with its own connections and the partitions dealt to it in
// turn, fetch from the earliest offsets until --num-records in all, until --duration-ms, or (with
// neither) up to the end each partition had when the run started. A run that waits --timeout-ms
// for a record it still needs stops with a warning and exit 1, after its summary.

import { byLeader, EARLIEST_TIMESTAMP, type FetchedRecord, fetchRecords, type KafkaClient, LATEST_TIMESTAMP, listOffsets, type PartitionLeader } from "../client/index.ts";
import type { Env } from "./cli.ts";
import { type ConsumeSettings, consumeSettings } from "./perf-args.ts";
import { ConsumeStats, formatConsume, progress } from "./perf-report.ts";
import { perfPartitions, withClients } from "./perf-topic.ts";

const MAX_WAIT_MS = 500;

/** What the consumers share: the counts, and when to stop. */
class Run {
  readonly stats = new ConsumeStats();
  readonly start = performance.now();
  lastRecordAt = this.start;
  timedOut = false;
  readonly stop = new AbortController();

  constructor(private readonly s: ConsumeSettings) {}

  /** Milliseconds the next Fetch may wait; 0 once the run is over. */
  waitMs(): number {
    const now = performance.now();
    const { numRecords, durationMs, timeoutMs } = this.s;
    if (this.stop.signal.aborted || (numRecords !== null && this.stats.records >= numRecords)) return 0;
    if (durationMs !== null) return Math.max(0, Math.min(MAX_WAIT_MS, Math.floor(this.start + durationMs - now)));
    const left = Math.floor(timeoutMs - (now - this.lastRecordAt));
    if (left <= 0) this.timedOut = true;
    return Math.max(0, Math.min(MAX_WAIT_MS, left));
  }

  /** Counts what a Fetch brought, up to --num-records. */
  fetched(records: readonly FetchedRecord[], requests: number): void {
    const { numRecords } = this.s;
    const counted = numRecords === null ? records : records.slice(0, Math.max(0, numRecords - this.stats.records));
    let bytes = 0;
    for (const r of counted) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    this.stats.fetched(counted.length, bytes, requests);
    if (counted.length > 0) this.lastRecordAt = performance.now();
  }
}

async function consume(client: KafkaClient, s: ConsumeSettings, share: readonly PartitionLeader[], earliest: Map<number, bigint>, latest: Map<number, bigint>, run: Run): Promise<void> {
  const toEnd = s.numRecords === null && s.durationMs === null;
  const end = (partition: number) => latest.get(partition) ?? 0n;
  let positions = share.map((p) => ({ ...p, offset: earliest.get(p.partition) ?? 0n }));
  for (;;) {
    const active = toEnd ? positions.filter((p) => p.offset < end(p.partition)) : positions;
    if (active.length === 0) return;
    const maxWaitMs = run.waitMs();
    if (maxWaitMs === 0) return;
    const result = await fetchRecords(client, s.topic, active, { maxWaitMs, maxBytes: s.fetchMaxBytes });
    positions = positions.map((p) => ({ ...p, offset: result.positions.get(p.partition) ?? p.offset }));
    run.fetched(toEnd ? result.records.filter((r) => BigInt(r.offset) < end(r.partition)) : result.records, byLeader(active).size);
  }
}

export async function perfConsume(args: readonly string[], env: Env): Promise<number> {
  const s = consumeSettings(args, env);
  return withClients(s.target, s.consumers, async (clients) => {
    const partitions = await perfPartitions(clients, s.topic, null);
    if (s.consumers > partitions.length) throw new Error(`--consumers ${s.consumers}: topic ${s.topic} has only ${partitions.length} partition${partitions.length === 1 ? "" : "s"}`);
    const first = clients[0]!;
    const [earliest, latest] = await Promise.all([listOffsets(first, s.topic, partitions, EARLIEST_TIMESTAMP), listOffsets(first, s.topic, partitions, LATEST_TIMESTAMP)]);
    const run = new Run(s);
    const onSignal = () => run.stop.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const stopProgress = progress((ms) => run.stats.progressLine(ms));
    try {
      await Promise.all(clients.map((client, i) => consume(client, s, partitions.filter((_, j) => j % clients.length === i), earliest, latest, run)));
    } finally {
      stopProgress();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    const elapsedMs = (s.durationMs === null ? run.lastRecordAt : performance.now()) - run.start;
    console.log(formatConsume(run.stats.summary(elapsedMs), s.json));
    if (!run.timedOut) return 0;
    console.error(`tansu: perf consume: no record for ${s.timeoutMs} ms; stopped after ${run.stats.records}${s.numRecords === null ? "" : ` of ${s.numRecords}`}`);
    return 1;
  });
}
