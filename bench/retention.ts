// Retention and compaction cost, on memory, SQLite, PostgreSQL and S3 (the project's S3 test
// server), run by hand: bun bench/retention.ts [records]. BENCH_ENGINES picks a comma-separated
// subset (default all); BENCH_ROUNDS the rounds of part 1 (default 5); BENCH_POLICY part 1's
// cleanup.policy (default compact,delete; compact or delete show each one's share); BENCH_PARTS=1
// runs part 1 only.
//
// 1. Produce beside the sweep. A broker per run; a topic with cleanup.policy=compact,delete,
//    retention.ms 2,000 and min.compaction.lag.ms 0 gets RECORDS (default 500,000) 100-byte
//    records with 1,000 keys, as ready-made batches of 1,000 records, 8 requests in flight
//    (support/batch-producer.ts: no client library sets the pace). "with" sweeps every 500 ms, so
//    retention deletes and compaction rewrites the partition while records arrive; "without" has the
//    same topic and a sweep interval longer than the run. Rounds alternate the two; the ratio is
//    the median of the rounds' with ÷ without throughput (goal ≥ 0.8).
// 2. Compaction alone. In this process, each engine gets a partition of 1,000,000 records (1,000
//    batches of 1,000 records, every batch updating each of 1,000 keys once), then one compact()
//    call is timed (it keeps the last batch and each key's latest record), and a second one with
//    nothing left to remove. On S3, the requests each compaction sends, by operation.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBatch, readBatchHeader } from "../src/protocol/records/index.ts";
import type { AppendBatch, Engine } from "../src/storage/engine.ts";
import { openEngine } from "../src/storage/open.ts";
import { openS3Engine } from "../src/storage/s3/index.ts";
import { createLogger } from "../src/log.ts";
import { startS3Server } from "../test/support/s3-server/index.ts";
import { type EmbeddedServer, startEmbeddedPostgres } from "../test/support/postgres.ts";
import postgres from "postgres";
import { produceBatches } from "./support/batch-producer.ts";
import { brokerArgv, startServer } from "./support/server.ts";

const RECORDS = Number(process.argv[2] ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ENGINES = ["memory", "sqlite", "postgres", "s3"] as const;
type EngineKey = (typeof ENGINES)[number];
const engines = (process.env.BENCH_ENGINES ?? ENGINES.join(",")).split(",").map((s) => s.trim()) as EngineKey[];
for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`BENCH_ENGINES: unknown engine ${e}`);
const PER_BATCH = 1000;
const KEYS = 1000;
const COMPACT_RECORDS = 1_000_000;
if (!Number.isInteger(RECORDS) || RECORDS < PER_BATCH) throw new Error(`records ${process.argv[2]}: expected an integer ≥ ${PER_BATCH}`);

const say = (line: string) => console.error(line);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const dir = mkdtempSync(join(tmpdir(), "tansu-bench-retention-"));
const value = new Uint8Array(100).fill(120);
const keys = Array.from({ length: KEYS }, (_, k) => new TextEncoder().encode(`key-${String(k).padStart(4, "0")}`));

/** One batch: a record for each of PER_BATCH keys, starting at key `first`. */
function keyedBatch(first: number, timestamp: number): Uint8Array {
  return encodeBatch(Array.from({ length: PER_BATCH }, (_, i) => ({ key: keys[(first + i) % KEYS]!, value, timestamp })));
}

function appendBatch(bytes: Uint8Array): AppendBatch {
  const h = readBatchHeader(bytes);
  const meta = { recordCount: h.recordCount, baseTimestamp: h.baseTimestamp, maxTimestamp: h.maxTimestamp, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false };
  return { bytes: bytes.slice(), meta };
}

// ---------------------------------------------------------------------------------------------
// Stores

let pg: EmbeddedServer | undefined;
let pgAdmin: ReturnType<typeof postgres> | undefined;
const s3 = engines.includes("s3") ? startS3Server({ buckets: ["bench"] }) : undefined;
const s3Env: Record<string, string> = s3 === undefined ? {} : { AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" };
let stores = 0;

/** A fresh, empty store's URL and its removal. */
async function freshStore(engine: EngineKey): Promise<{ url: string; cleanup(): Promise<void> }> {
  const n = ++stores;
  switch (engine) {
    case "memory":
      return { url: "memory://", cleanup: async () => {} };
    case "sqlite": {
      const path = join(dir, `run-${n}.db`);
      return { url: `sqlite://${path}`, cleanup: async () => ["", "-wal", "-shm"].forEach((s) => rmSync(path + s, { force: true })) };
    }
    case "postgres": {
      if (pg === undefined) {
        pg = await startEmbeddedPostgres({ settings: { max_connections: "100" } });
        pgAdmin = postgres(pg.url.href, { max: 1, onnotice: () => {} });
      }
      const admin = pgAdmin!;
      const database = `bench_retention_${n}`;
      await admin.unsafe(`create database ${database}`);
      const url = new URL(pg.url.href);
      url.pathname = `/${database}`;
      return { url: url.href, cleanup: async () => void (await admin.unsafe(`drop database if exists ${database} with (force)`)) };
    }
    case "s3":
      return { url: `s3://bench/run-${n}`, cleanup: async () => {} };
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Produce beside the sweep

const TOPIC_CONFIGS = { "cleanup.policy": process.env.BENCH_POLICY ?? "compact,delete", "retention.ms": "2000", "min.compaction.lag.ms": "0" };

async function produceRun(engine: EngineKey, sweeping: boolean): Promise<number> {
  const store = await freshStore(engine);
  const interval = sweeping ? "500" : String(3_600_000);
  const server = await startServer(brokerArgv(store.url, ["--log-retention-check-interval-ms", interval]), s3Env);
  try {
    const { Kafka, logLevel } = await import("kafkajs");
    const admin = new Kafka({ brokers: [`127.0.0.1:${server.port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const configEntries = Object.entries(TOPIC_CONFIGS).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic: "bench", numPartitions: 1, configEntries }] });
    await admin.disconnect();
    const now = Date.now();
    const batches = Array.from({ length: RECORDS / PER_BATCH }, (_, i) => keyedBatch(i * 7, now + i));
    const seconds = await produceBatches(server.port, "bench", batches);
    return RECORDS / seconds;
  } finally {
    await server.stop();
    await store.cleanup();
  }
}

async function partOne(): Promise<string[]> {
  const out = [`1. ${RECORDS.toLocaleString("en")} records (100-byte values, ${KEYS} keys) in batches of ${PER_BATCH}, 8 in flight, to a compact,delete topic (retention.ms 2,000); ${ROUNDS} rounds, alternating`];
  out.push(`${"engine".padEnd(10)}${"with sweep".padStart(14)}${"without".padStart(12)}${"ratio".padStart(8)}  rounds`);
  for (const engine of engines) {
    const withSweep: number[] = [];
    const without: number[] = [];
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? [true, false] : [false, true];
      const r = new Map<boolean, number>();
      for (const sweeping of order) r.set(sweeping, await produceRun(engine, sweeping));
      withSweep.push(r.get(true)!);
      without.push(r.get(false)!);
      ratios.push(r.get(true)! / r.get(false)!);
      say(`round ${round} ${engine}: with ${r.get(true)!.toFixed(0)} records/s, without ${r.get(false)!.toFixed(0)}, ratio ${ratios.at(-1)!.toFixed(2)}`);
    }
    out.push(`${engine.padEnd(10)}${median(withSweep).toFixed(0).padStart(14)}${median(without).toFixed(0).padStart(12)}${median(ratios).toFixed(2).padStart(8)}  (${ratios.map((x) => x.toFixed(2)).join(" ")})`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. Compaction alone

async function openFor(engine: EngineKey, url: string): Promise<Engine> {
  if (engine !== "s3") return openEngine(new URL(url));
  return openS3Engine(new URL(url), { env: s3Env, tuning: { maintenanceIntervalMs: 0 }, log: createLogger("error", () => {}) });
}

const s3Requests = (): Map<string, number> => new Map(s3?.stats ?? []);
const requestDelta = (before: Map<string, number>) => {
  const after = s3Requests();
  return [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
};

async function compactRun(engine: EngineKey): Promise<string> {
  const store = await freshStore(engine);
  const e = await openFor(engine, store.url);
  try {
    await e.createTopic({ name: "compact", partitionCount: 1, replicationFactor: 1, configs: { "cleanup.policy": "compact" } });
    const now = Date.now();
    const t0 = performance.now();
    for (let i = 0; i < COMPACT_RECORDS / PER_BATCH; i++) {
      const r = await e.append("compact", 0, appendBatch(keyedBatch(0, now - 60_000)));
      if (r.errorCode !== 0) throw new Error(`append failed with ${r.errorCode}`);
    }
    const loadS = (performance.now() - t0) / 1000;
    const policy = { compactBefore: now, tombstonesBefore: 0 };
    const before = s3Requests();
    const t1 = performance.now();
    const first = await e.compact("compact", 0, policy);
    const firstS = (performance.now() - t1) / 1000;
    const firstRequests = requestDelta(before);
    const again = s3Requests();
    const t2 = performance.now();
    const second = await e.compact("compact", 0, policy);
    const secondS = (performance.now() - t2) / 1000;
    const secondRequests = requestDelta(again);
    if (first.errorCode !== 0 || second.errorCode !== 0) throw new Error(`compact failed: ${first.errorCode} ${second.errorCode}`);
    // every batch but the last is cleanable: of its 999,000 records, each key's latest (1,000) stays
    const expected = COMPACT_RECORDS - PER_BATCH - KEYS;
    if (first.removedRecords !== expected || second.removedRecords !== 0) throw new Error(`removed ${first.removedRecords} then ${second.removedRecords}, expected ${expected} then 0`);
    const requests = engine === "s3" ? `\n${"".padEnd(10)}S3 requests, first: ${firstRequests}; second: ${secondRequests || "none"}` : "";
    return `${engine.padEnd(10)}${firstS.toFixed(2).padStart(10)} s${secondS.toFixed(2).padStart(12)} s${(COMPACT_RECORDS / loadS).toFixed(0).padStart(16)} records/s${requests}`;
  } finally {
    await e.close();
    await store.cleanup();
  }
}

async function partTwo(): Promise<string[]> {
  const out = [`2. compact() of ${COMPACT_RECORDS.toLocaleString("en")} records, ${KEYS} keys, ${COMPACT_RECORDS / PER_BATCH} batches (removes ${(COMPACT_RECORDS - PER_BATCH - KEYS).toLocaleString("en")})`];
  out.push(`${"engine".padEnd(10)}${"first".padStart(12)}${"again".padStart(14)}${"loading it".padStart(26)}`);
  for (const engine of engines) {
    const line = await compactRun(engine);
    say(line);
    out.push(line);
  }
  return out;
}

try {
  const one = await partOne();
  const two = process.env.BENCH_PARTS === "1" ? [] : await partTwo();
  console.log([...one, "", ...two, "", `load average ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]} on ${navigator.hardwareConcurrency} cores`].join("\n"));
} finally {
  await pgAdmin?.end();
  await pg?.stop();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
}
