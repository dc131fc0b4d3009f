// S3 engine benchmark, run by hand: bun bench/s3.ts [seconds per run] [--no-ceph] [--serial-commits]
// Against the project's test S3 server (its own process) with a fixed 20 ms PutObject latency, then against a
// throwaway Ceph radosgw (scripts/ceph-rgw-up.sh; skipped if radosgw is not installed): the raw
// PutObject p50/p99 of the same server in the same run, then idempotent producers appending
// 10-record batches (~1.1 KB) as fast as each one's acknowledgements allow, 1, 4 and 16 of them,
// on one partition and spread over 16. Each row's raw PUT figures are for as many writers at once
// as the row has producers. Goal: produce p99 <= 2.5 x raw PUT p99, and records/s growing with
// producers because concurrent batches share commits (batches/object). --serial-commits turns off
// pipelined index writes, to see what they buy.

import { join } from "node:path";
import { encodeBatch } from "../src/protocol/records/index.ts";
import type { AppendBatch } from "../src/storage/engine.ts";
import { openS3Engine, type S3Engine } from "../src/storage/s3/index.ts";
import { SdkObjectStore } from "../src/storage/s3/sdk-store.ts";
import { s3Settings } from "../src/storage/s3/settings.ts";
import { listAll } from "../src/storage/s3/store.ts";
import { cephAvailable, startCeph } from "../test/support/ceph.ts";

const SECONDS = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 5);
const RECORDS_PER_BATCH = 10;
const PUT_LATENCY_MS = 20;
/** Each run's first moments (connections, JIT) are not measured. */
const WARMUP_MS = 1_000;

interface Target {
  name: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

const env = (t: Target) => ({ AWS_ENDPOINT: t.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: t.accessKeyId, AWS_SECRET_ACCESS_KEY: t.secretAccessKey, LOG_LEVEL: "warn" });

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Raw PutObject latency: `concurrency` writers of 1 KiB objects to fresh keys, no conditions. */
async function rawPut(t: Target, concurrency: number): Promise<{ p50: number; p99: number }> {
  const store = new SdkObjectStore(s3Settings(new URL(`s3://${t.bucket}/raw`), env(t)));
  const body = new Uint8Array(1100).fill(7);
  const latencies: number[] = [];
  const measureFrom = performance.now() + WARMUP_MS;
  const until = measureFrom + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        await store.put(`raw/${w}/${i}`, body, null);
        if (t0 >= measureFrom) latencies.push(performance.now() - t0);
      }
    }),
  );
  store.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function batch(producerId: number, sequence: number): AppendBatch {
  const now = Date.now();
  const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: null, value: new TextEncoder().encode(`record ${sequence + i} `.padEnd(100, "x")), timestamp: now }));
  const bytes = encodeBatch(records, { producerId, producerEpoch: 0, baseSequence: sequence });
  const meta = { recordCount: RECORDS_PER_BATCH, baseTimestamp: now, maxTimestamp: now, producerId, producerEpoch: 0, baseSequence: sequence, isTransactional: false, isControl: false };
  return { bytes, meta };
}

interface Run {
  p50: number;
  p99: number;
  recordsPerSecond: number;
  /** Acknowledged batches per data object written: how much commits coalesce. */
  batchesPerObject: number;
}

async function produce(t: Target, prefix: string, engine: S3Engine, partitions: number, producers: number): Promise<Run> {
  const topic = `bench-${partitions}-${producers}-${crypto.randomUUID().slice(0, 8)}`;
  const created = await engine.createTopic({ name: topic, partitionCount: partitions, replicationFactor: 1, configs: {} });
  if (created.errorCode !== 0) throw new Error(`createTopic failed with ${created.errorCode}`);
  const latencies: number[] = [];
  let records = 0;
  let batches = 0;
  const start = performance.now() + WARMUP_MS;
  const until = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      const init = await engine.initProducerId({ producerId: -1, producerEpoch: -1 });
      if (init.errorCode !== 0) throw new Error("initProducerId failed");
      for (let sequence = 0; performance.now() < until; sequence += RECORDS_PER_BATCH) {
        const b = batch(init.producerId, sequence);
        const t0 = performance.now();
        const result = await engine.append(topic, p % partitions, b);
        if (result.errorCode !== 0) throw new Error(`append failed with ${result.errorCode}`);
        batches++;
        if (t0 < start) continue;
        latencies.push(performance.now() - t0);
        records += RECORDS_PER_BATCH;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const store = new SdkObjectStore(s3Settings(new URL(`s3://${t.bucket}`), env(t)));
  let objects = 0;
  for await (const o of listAll(store, `${prefix}/partitions/${created.topic.topicId}/`)) if (o.key.includes("/data/")) objects++;
  store.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), recordsPerSecond: records / seconds, batchesPerObject: batches / objects };
}

const rows: string[][] = [["server", "partitions", "producers", "produce p50", "produce p99", "raw PUT p50", "raw PUT p99", "p99 / raw p99", "records/s", "batches/object"]];
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function runTarget(t: Target): Promise<void> {
  const raw = new Map<number, { p50: number; p99: number }>();
  for (const writers of [1, 4, 16]) {
    const r = await rawPut(t, writers);
    raw.set(writers, r);
    console.error(`${t.name}: raw PUT with ${writers} writers at once: p50 ${ms(r.p50)} p99 ${ms(r.p99)}`);
  }
  const prefix = `bench-${Date.now().toString(36)}`;
  const speculativeCommits = !process.argv.includes("--serial-commits");
  const engine = await openS3Engine(new URL(`s3://${t.bucket}/${prefix}`), { env: env(t), tuning: { maintenanceIntervalMs: 0, speculativeCommits } });
  try {
    for (const partitions of [1, 16]) {
      for (const producers of [1, 4, 16]) {
        const r = await produce(t, prefix, engine, partitions, producers);
        const reference = raw.get(producers) ?? { p50: Number.NaN, p99: Number.NaN };
        const cells = [ms(r.p50), ms(r.p99), ms(reference.p50), ms(reference.p99), (r.p99 / reference.p99).toFixed(2), Math.round(r.recordsPerSecond).toLocaleString("en"), r.batchesPerObject.toFixed(1)];
        rows.push([t.name, String(partitions), String(producers), ...cells]);
        console.error(rows.at(-1)?.join("  "));
      }
    }
  } finally {
    await engine.close();
  }
}

// The test server runs in its own process, so its work does not share this process's CPU.
const server = Bun.spawn([process.execPath, join(import.meta.dir, "..", "test", "support", "s3-server", "main.ts"), "--bucket", "bench", "--put-latency-ms", String(PUT_LATENCY_MS)], { stdout: "pipe", stderr: "inherit" });
try {
  const reader = server.stdout.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  const endpoint = /endpoint=(\S+)/.exec(first)?.[1];
  if (endpoint === undefined) throw new Error(`the test S3 server did not start: ${first}`);
  await runTarget({ name: `test server (PUT +${PUT_LATENCY_MS} ms)`, endpoint, accessKeyId: "bench", secretAccessKey: "bench", bucket: "bench" });
} finally {
  server.kill("SIGTERM");
  await server.exited;
}
if (!process.argv.includes("--no-ceph")) {
  if (!cephAvailable()) console.error("radosgw is not installed: skipping Ceph (apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime)");
  else {
    const ceph = await startCeph(["bench"]);
    try {
      await runTarget({ name: "ceph radosgw", endpoint: ceph.endpoint, accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey, bucket: "bench" });
    } finally {
      await ceph.stop();
    }
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
