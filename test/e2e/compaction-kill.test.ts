// Brokers SIGKILLed while they compact, on SQLite, PostgreSQL and S3 (the project's S3 server):
// each round the test appends more keyed batches to the store, starts a broker that compacts the
// partition every 20 ms and kills it at a random moment of its first pass. Afterwards the partition must
// be readable, every record in it must be one that was produced, at its own offset, and the
// latest record of every key must still be there; one more compaction then leaves exactly those.

import { afterAll, describe, expect, test } from "bun:test";
import { decodeBatch, encodeBatch, readBatchHeader } from "../../src/protocol/records/index.ts";
import type { AppendBatch, Engine } from "../../src/storage/engine.ts";
import { openEngine } from "../../src/storage/open.ts";
import { openS3Engine } from "../../src/storage/s3/index.ts";
import { createLogger } from "../../src/log.ts";
import { startBroker } from "../support/broker.ts";
import { freshDatabase } from "../support/postgres.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { sqliteFile, waitFor } from "./transactions-support.ts";

const TOPIC = "changelog";
const KEYS = 1000;
const PER_BATCH = 500;
const BATCHES_PER_ROUND = 120;
const ROUNDS = 4;
/** Rounds go on past ROUNDS until a kill has cut a pass short. */
const MAX_ROUNDS = 12;
const OLD = Date.now() - 3_600_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Batch n holds keys n*500 … n*500+499 (mod 1000); a record's value is its own offset. */
function batch(n: number): AppendBatch {
  const records = Array.from({ length: PER_BATCH }, (_, i) => ({
    key: encoder.encode(`k${(n * PER_BATCH + i) % KEYS}`),
    value: encoder.encode(String(n * PER_BATCH + i)),
    timestamp: OLD,
  }));
  const bytes = encodeBatch(records);
  const h = readBatchHeader(bytes);
  return { bytes, meta: { recordCount: h.recordCount, baseTimestamp: OLD, maxTimestamp: OLD, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false } };
}

async function appendBatches(engine: Engine, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    const r = await engine.append(TOPIC, 0, batch(n));
    expect(r).toMatchObject({ errorCode: 0, baseOffset: n * PER_BATCH });
  }
}

/** Every record of the partition as [offset, key, value]. */
async function contents(engine: Engine): Promise<[number, string, string][]> {
  const out: [number, string, string][] = [];
  for (let offset = 0; ; ) {
    const r = await engine.read(TOPIC, 0, offset, 4 * 1024 * 1024);
    if (r.errorCode !== 0) throw new Error(`read at ${offset}: error ${r.errorCode}`);
    if (offset === 0) offset = r.logStartOffset;
    if (r.batches.length === 0) break;
    for (const b of r.batches) {
      for (const rec of decodeBatch(b.bytes).records) out.push([rec.offset, decoder.decode(rec.key!), decoder.decode(rec.value!)]);
      offset = b.lastOffset + 1;
    }
    if (offset >= r.highWatermark) break;
  }
  return out;
}

/** The latest offset of each key among the first `batches` batches. */
function latest(batches: number): Set<number> {
  const last = new Map<string, number>();
  for (let o = 0; o < batches * PER_BATCH; o++) last.set(`k${o % KEYS}`, o);
  return new Set(last.values());
}

function checkKept(records: [number, string, string][], batches: number): void {
  for (const [offset, key, value] of records) {
    expect(value).toBe(String(offset));
    expect(key).toBe(`k${offset % KEYS}`);
  }
  const offsets = new Set(records.map(([o]) => o));
  const missing = [...latest(batches)].filter((o) => !offsets.has(o));
  expect(missing).toEqual([]);
}

interface Store {
  url: string;
  env: Record<string, string>;
  open(): Promise<Engine>;
  cleanup(): Promise<void>;
}

const s3 = startS3Server({ buckets: ["kill"] });
afterAll(() => s3.stop());
const s3Env = { AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" };

const stores: [string, () => Promise<Store>][] = [
  ["sqlite", async () => {
    const f = sqliteFile("compaction-kill");
    return { url: f.url, env: {}, open: () => openEngine(new URL(f.url)), cleanup: async () => f.cleanup() };
  }],
  ["postgres", async () => {
    const db = await freshDatabase("compaction_kill");
    return { url: db.url.href, env: {}, open: () => openEngine(db.url), cleanup: () => db.drop() };
  }],
  ["s3", async () => {
    const url = `s3://kill/run-${Date.now().toString(36)}`;
    const open = () => openS3Engine(new URL(url), { env: s3Env, log: createLogger("error", () => {}) });
    return { url, env: s3Env, open, cleanup: async () => {} };
  }],
];

describe.each(stores)("a broker killed mid-compaction on %s", (_, make) => {
  test("leaves every kept record readable, at its offset", async () => {
    const store = await make();
    try {
      let engine = await store.open();
      expect(await engine.createTopic({ name: TOPIC, partitionCount: 1, replicationFactor: 1, configs: { "cleanup.policy": "compact", "min.compaction.lag.ms": "0" } })).toMatchObject({ errorCode: 0 });
      let batches = 0;
      let interrupted = 0;
      for (let round = 0; round < MAX_ROUNDS && (round < ROUNDS || interrupted === 0); round++) {
        await appendBatches(engine, batches, BATCHES_PER_ROUND);
        batches += BATCHES_PER_ROUND;
        await engine.close();
        const broker = await startBroker(["--storage-engine", store.url, "--log-retention-check-interval-ms", "20"], { ...store.env, LOG_LEVEL: "debug" });
        await waitFor("a compaction pass to start", () => broker.logs().includes("compacting"));
        await Bun.sleep(Math.floor(Math.random() * 10));
        expect(await broker.kill("SIGKILL")).not.toBe(0);
        if (!/compacted/.test(broker.logs())) interrupted++;
        engine = await store.open();
        checkKept(await contents(engine), batches);
      }
      // the first pass of a round removes records, so a kill before its "compacted" line cut it short
      expect(interrupted).toBeGreaterThan(0);
      const r = await engine.compact(TOPIC, 0, { compactBefore: Date.now(), tombstonesBefore: 0 });
      expect(r.errorCode).toBe(0);
      const after = await contents(engine);
      checkKept(after, batches);
      // left: the latest record of each key up to the last batch, which is never compacted (Kafka's
      // active segment), and the last batch
      const last = Array.from({ length: PER_BATCH }, (_, i) => (batches - 1) * PER_BATCH + i);
      const expected = [...new Set([...latest(batches - 1), ...last])].sort((a, b) => a - b);
      expect(after.map(([o]) => o).sort((a, b) => a - b)).toEqual(expected);
      await engine.close();
    } finally {
      await store.cleanup();
    }
  }, 120_000);
});
