// The broker's /metrics: its counters, group gauges, retention and lake progress, as Prometheus text.

import { errorName } from "../../protocol/errors.ts";
import { type LakeProgress, offsetsBehind, secondsBehind, type TableProgress } from "../../lake/progress.ts";
import type { CleanupProgress, PartitionProgress } from "../../retention/progress.ts";
import { Exposition } from "./exposition.ts";
import { type BrokerMetrics, VERSION_SLOTS } from "./registry.ts";

export interface GroupCounts {
  /** Groups by Kafka state name. */
  byState: Map<string, number>;
  members: number;
}

function requests(out: Exposition, m: BrokerMetrics): void {
  out.family("tansu_requests_total", "counter", "Kafka requests handled, by API and version.");
  m.requests.forEach((n, i) => {
    if (n === 0) return;
    const key = Math.floor(i / VERSION_SLOTS);
    out.sample("tansu_requests_total", n, [["api", m.apiNames[key] ?? String(key)], ["api_key", String(key)], ["version", String(i % VERSION_SLOTS)]]);
  });
  out.family("tansu_request_errors_total", "counter", "Kafka error codes in responses (every errorCode field), by error name.");
  m.errors.forEach((n, i) => {
    if (n > 0) out.sample("tansu_request_errors_total", n, [["error", errorName(i - 1)], ["code", String(i - 1)]]);
  });
  out.family("tansu_request_duration_seconds", "histogram", "Time from receiving a request to its answer being ready, by API.");
  m.requestLatency.forEach((h, key) => {
    if (h !== undefined) out.histogram("tansu_request_duration_seconds", h, [["api", m.apiNames[key] ?? String(key)]]);
  });
}

function partitions(out: Exposition, cleanup: CleanupProgress): void {
  const gauges = [
    ["tansu_partition_log_start_offset", "logStartOffset", (p: PartitionProgress) => p.logStartOffset],
    ["tansu_partition_high_watermark", "high watermark", (p: PartitionProgress) => p.highWatermark],
    ["tansu_partition_retained_bytes", "bytes of the batches kept in the store", (p: PartitionProgress) => p.retainedBytes],
  ] as const;
  const all = [...cleanup.all()];
  for (const [name, what, value] of gauges) {
    out.family(name, "gauge", `Each partition's ${what} at this broker's last retention check.`);
    for (const p of all) out.sample(name, value(p), [["topic", p.topic], ["partition", String(p.partition)]]);
  }
  const compacted = all.filter((p) => p.lastCompactionMs !== null);
  out.family("tansu_compaction_passes_total", "counter", "Compaction passes over a partition by this broker.");
  for (const p of compacted) out.sample("tansu_compaction_passes_total", p.compactionRuns, [["topic", p.topic], ["partition", String(p.partition)]]);
  out.family("tansu_compaction_removed_records_total", "counter", "Records removed by this broker's compaction passes.");
  for (const p of compacted) out.sample("tansu_compaction_removed_records_total", p.removedRecords, [["topic", p.topic], ["partition", String(p.partition)]]);
}

function lakeTables(out: Exposition, lake: LakeProgress): void {
  const tables = lake.all();
  const now = Date.now();
  const table = (t: TableProgress) => [["topic", t.topic], ["format", t.format]] as const;
  const partition = (t: TableProgress, p: number) => [...table(t), ["partition", String(p)]] as const;
  out.family("tansu_lake_offsets_behind", "gauge", "Offsets between a lake table's bookmark and the partition's high watermark, at this broker's last export check.");
  for (const t of tables) for (const [p, lag] of t.partitions) out.sample("tansu_lake_offsets_behind", offsetsBehind(lag), partition(t, p));
  out.family("tansu_lake_seconds_behind", "gauge", "How long a partition's oldest records not yet in the lake table have waited.");
  for (const t of tables) for (const [p, lag] of t.partitions) out.sample("tansu_lake_seconds_behind", secondsBehind(lag, now), partition(t, p));
  out.family("tansu_lake_exported_rows_total", "counter", "Rows this broker committed to a lake table.");
  for (const t of tables) out.sample("tansu_lake_exported_rows_total", t.exportedRows, table(t));
  out.family("tansu_lake_commits_total", "counter", "Commits this broker made to a lake table.");
  for (const t of tables) out.sample("tansu_lake_commits_total", t.commits, table(t));
  out.family("tansu_lake_export_stopped", "gauge", "1 while a lake table's export is stopped by an error (see /api/topics/:name).");
  for (const t of tables) out.sample("tansu_lake_export_stopped", t.error === null ? 0 : 1, table(t));
}

export function renderMetrics(m: BrokerMetrics, groups: GroupCounts | null, cleanup: CleanupProgress, lake?: LakeProgress): string {
  const out = new Exposition();
  out.family("tansu_connections_open", "gauge", "Kafka client connections open now.").sample("tansu_connections_open", m.connectionsOpen);
  out.family("tansu_connections_total", "counter", "Kafka client connections accepted.").sample("tansu_connections_total", m.connectionsTotal);
  requests(out, m);
  out.family("tansu_produced_records_total", "counter", "Records stored by Produce.").sample("tansu_produced_records_total", m.producedRecords);
  out.family("tansu_produced_bytes_total", "counter", "Record batch bytes stored by Produce.").sample("tansu_produced_bytes_total", m.producedBytes);
  out.family("tansu_fetched_records_total", "counter", "Records returned by Fetch.").sample("tansu_fetched_records_total", m.fetchedRecords);
  out.family("tansu_fetched_bytes_total", "counter", "Record batch bytes returned by Fetch.").sample("tansu_fetched_bytes_total", m.fetchedBytes);
  out.family("tansu_storage_duration_seconds", "histogram", "Storage engine call time, by Engine method.");
  for (const [operation, h] of m.storageLatency) out.histogram("tansu_storage_duration_seconds", h, [["operation", operation]]);
  if (groups !== null) {
    out.family("tansu_groups", "gauge", "Consumer groups in storage, by state.");
    for (const [state, n] of groups.byState) out.sample("tansu_groups", n, [["state", state]]);
    out.family("tansu_group_members", "gauge", "Members of all consumer groups.").sample("tansu_group_members", groups.members);
  }
  partitions(out, cleanup);
  if (lake !== undefined) lakeTables(out, lake);
  return out.process().text();
}
