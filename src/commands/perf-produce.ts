// `tansu perf produce`: records of --record-size random letters, appended at --throughput (a token
// bucket) or as fast as the producers take them, until --num-records or --duration-ms (or SIGINT /
// SIGTERM); then every batch is flushed and the run summarised.

import { initProducerId } from "../client/index.ts";
import type { Env } from "./cli.ts";
import { type ProduceSettings, produceSettings } from "./perf-args.ts";
import { TokenBucket } from "./perf-pacer.ts";
import { PerfProducer } from "./perf-producer.ts";
import { formatProduce, ProduceStats, progress } from "./perf-report.ts";
import { perfPartitions, withClients } from "./perf-topic.ts";

/** The most records appended before the producers get a turn to send. */
const CHUNK = 1000;

function payload(size: number): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  // A to Z, as Kafka's producer perf test fills its records
  for (let i = 0; i < size; i++) bytes[i] = 65 + (bytes[i]! % 26);
  return bytes;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Appends records to the producers in turn until the count, the deadline or a stop. */
async function generate(producers: readonly PerfProducer[], s: ProduceSettings, start: number, stop: AbortSignal): Promise<void> {
  const bucket = s.throughput === null ? null : TokenBucket.forRate(s.throughput, start);
  const limit = s.numRecords ?? Number.POSITIVE_INFINITY;
  const deadline = s.durationMs === null ? Number.POSITIVE_INFINITY : start + s.durationMs;
  let appended = 0;
  while (appended < limit && !stop.aborted) {
    const now = performance.now();
    if (now >= deadline) return;
    const wanted = Math.min(CHUNK, limit - appended);
    const n = bucket === null ? wanted : bucket.take(now, wanted);
    if (bucket !== null && n === 0) {
      await Bun.sleep(Math.min(deadline - now, Math.max(1, bucket.waitMs(now))));
      continue;
    }
    for (let i = 0; i < n; i++) producers[appended++ % producers.length]!.append(now);
    const full = producers.map((p) => p.room()).filter((room) => room !== null);
    await (full.length === 0 ? nextTurn() : Promise.all(full));
  }
}

export async function perfProduce(args: readonly string[], env: Env): Promise<number> {
  const s = produceSettings(args, env);
  return withClients(s.target, s.producers, async (clients) => {
    const partitions = await perfPartitions(clients, s.topic, s.partitions);
    const identities = await Promise.all(clients.map((c) => (s.idempotent ? initProducerId(c) : null)));
    const stats = new ProduceStats(s.recordSize);
    const value = payload(s.recordSize);
    const producers = clients.map(
      (client, i) => new PerfProducer(client, { ...s, partitions, identity: identities[i] ?? null }, (appendedAt, now) => stats.acknowledged(appendedAt, now), value),
    );
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const start = performance.now();
    const stopProgress = progress((ms) => stats.progressLine(ms));
    try {
      await generate(producers, s, start, stop.signal);
      await Promise.all(producers.map((p) => p.flush()));
    } finally {
      stopProgress();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    console.log(formatProduce(stats.summary(performance.now() - start), s.json));
    return 0;
  });
}
