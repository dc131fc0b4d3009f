// Transactions on S3 beyond the conformance suite: aborts rolling into segments with their markers
// (checked against the memory engine), markers coalescing into shared commits, markers whose answer
// was lost, and the index format's versions.

import { afterAll, afterEach, expect, test } from "bun:test";
import { readBatchHeader } from "../../src/protocol/records/index.ts";
import type { Engine, TxnMarker } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { EMPTY_INDEX, decodeIndex, encodeIndex, type PartitionIndex } from "../../src/storage/s3/partition-index.ts";
import type { S3Engine, S3Tuning } from "../../src/storage/s3/index.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { readAll } from "./conformance/context.ts";
import { testBatch } from "./record-batch.ts";
import { openS3, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const server = startS3Server({ buckets: ["tansu"] });
const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "k", secretAccessKey: "s" };
const engines: S3Engine[] = [];
afterEach(async () => {
  server.faults.clear();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(() => server.stop());

const TINY = { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2 };

async function topicOn(tuning: Partial<S3Tuning> = {}, prefix = uniquePrefix("txn")) {
  const engine = await openS3(target, prefix, tuning);
  engines.push(engine);
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  if (created.errorCode !== 0) throw new Error("createTopic failed");
  return { engine, prefix, partition: `${prefix}/partitions/${created.topic.topicId}/0/` };
}

async function reopen(prefix: string, tuning: Partial<S3Tuning> = {}): Promise<S3Engine> {
  const engine = await openS3(target, prefix, tuning);
  engines.push(engine);
  return engine;
}

const txnBatch = (producerId: number, baseSequence: number, verificationGuard: number) =>
  testBatch({ producerId, producerEpoch: 0, baseSequence, isTransactional: true, verificationGuard, payload: `${producerId}/${baseSequence}` });

const marker = (producerId: number, commit: boolean, verificationGuard: number): TxnMarker => ({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, verificationGuard });

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("aborts roll into segments with their markers and are found by range, as the memory engine finds them", async () => {
  const { engine, prefix, partition } = await topicOn(TINY);
  const memory = openMemoryEngine();
  await memory.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  const outcome = async (e: Engine, op: (e: Engine) => Promise<object>) => ({ ...(await op(e)), logAppendTimeMs: 0 });
  const both = async (op: (e: Engine) => Promise<object>) => expect(await outcome(engine, op)).toEqual(await outcome(memory, op));
  const next = random(7);
  const producers = [7001, 7002, 7003].map((id) => ({ id, sequence: 0, guard: 0, open: false }));
  for (let step = 0; step < 120; step++) {
    const p = producers[Math.floor(next() * producers.length)]!;
    const roll = next();
    if (roll < 0.2) {
      const batch = testBatch({ payload: `plain-${step}` });
      await both((e) => e.append("t", 0, batch));
    }
    else if (p.open && roll < 0.5) {
      await both((e) => e.writeTxnMarker("t", 0, marker(p.id, roll < 0.35, p.guard)));
      p.open = false;
    } else {
      if (!p.open) p.guard++;
      p.open = true;
      const batch = txnBatch(p.id, p.sequence++, p.guard);
      await both((e) => e.append("t", 0, batch));
    }
  }
  await engine.close();
  const fresh = await reopen(prefix, TINY);
  const hw = await memory.offsets("t", 0);
  expect(await fresh.offsets("t", 0)).toEqual(hw);
  const end = hw.errorCode === 0 ? hw.highWatermark : 0;
  for (let from = 0; from < end; from += 7) {
    for (const to of [from, from + 3, from + 20, end]) {
      expect(await fresh.abortedTransactions("t", 0, from, to)).toEqual(await memory.abortedTransactions("t", 0, from, to));
    }
  }
  expect(await fresh.describeProducers("t", 0)).toEqual(await memory.describeProducers("t", 0));
  const index = decodeIndex(server.object("tansu", `${partition}index.json`)?.body ?? new Uint8Array(), "index");
  const all = await memory.abortedTransactions("t", 0, 0, end);
  expect(all.length).toBeGreaterThan(10);
  expect(index.aborted.length).toBeLessThan(all.length);
  // Aborts reached a segment of level 1 or more, through a reference that points readers to them.
  expect(index.segments.some((s) => s.level > 0 && s.abortedFrom >= 0)).toBe(true);
  // Only aborts whose marker is still among the index's entries stay in the index.
  const firstEntry = index.entries[0]?.baseOffset ?? Infinity;
  expect(index.aborted.every((a) => a.lastOffset >= firstEntry)).toBe(true);
});

test("markers for several producers of one partition share commits", async () => {
  const { engine, partition } = await topicOn();
  const ids = Array.from({ length: 24 }, (_, i) => 8000 + i);
  for (const id of ids) await engine.append("t", 0, txnBatch(id, 0, 1));
  const dataBefore = server.keys("tansu", `${partition}data/`).length;
  server.faults.set({ latencyMs: { PutObject: 20 } });
  const results = await Promise.all(ids.map((id, i) => engine.writeTxnMarker("t", 0, marker(id, i % 2 === 0, 1))));
  expect(results.map((r) => (r.errorCode === 0 ? r.offset : -1)).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(ids.map((_, i) => ids.length + i));
  expect(server.keys("tansu", `${partition}data/`).length - dataBefore).toBeLessThanOrEqual(8);
  const offsets = await engine.offsets("t", 0);
  expect(offsets).toMatchObject({ highWatermark: 2 * ids.length, lastStableOffset: 2 * ids.length });
  expect((await engine.abortedTransactions("t", 0, 0, 2 * ids.length)).map((a) => a.producerId)).toEqual(ids.filter((_, i) => i % 2 === 1));
});

test("a marker whose answer was lost is stored once", async () => {
  const { engine } = await topicOn({ commitAttempts: 50 });
  const ids = Array.from({ length: 12 }, (_, i) => 9000 + i);
  for (const id of ids) await engine.append("t", 0, txnBatch(id, 0, 1));
  server.faults.set({ dropAfterRate: 0.3, operations: ["PutObject"] });
  // Half alone (two PUTs each, so some answer is surely dropped), half sharing commits.
  const results = [];
  for (const id of ids.slice(0, 6)) results.push(await engine.writeTxnMarker("t", 0, marker(id, false, 1)));
  results.push(...(await Promise.all(ids.slice(6).map((id) => engine.writeTxnMarker("t", 0, marker(id, false, 1))))));
  const again = await Promise.all(ids.slice(0, 4).map((id) => engine.writeTxnMarker("t", 0, marker(id, false, 1))));
  expect(server.faults.injected.get("drop-after") ?? 0).toBeGreaterThan(0);
  server.faults.clear();
  expect(again).toEqual(ids.slice(0, 4).map(() => ({ errorCode: 0, offset: null })));
  const controls = (await readAll(engine, "t", 0)).filter((b) => readBatchHeader(b.bytes).isControl);
  expect(controls.map((b) => readBatchHeader(b.bytes).producerId).sort()).toEqual(ids);
  expect(results.map((r) => (r.errorCode === 0 ? r.offset : null)).sort()).toEqual(controls.map((b) => b.baseOffset).sort());
  expect(await engine.abortedTransactions("t", 0, 0, 100)).toHaveLength(ids.length);
});

test("an index is version 1 until it holds transaction data, then version 2, and both read back", () => {
  const version = (index: PartitionIndex) => (JSON.parse(new TextDecoder().decode(encodeIndex(index))) as { v: number }).v;
  const plain: PartitionIndex = { ...EMPTY_INDEX, producers: new Map([[1, { producerEpoch: 0, lastAppendMs: 5, batches: [] }]]) };
  expect(version(plain)).toBe(1);
  expect(decodeIndex(encodeIndex(plain), "plain")).toEqual(plain);
  const txn = { currentTxnFirstOffset: 3, currentTxnGuard: 2, completedTxnGuard: 1, coordinatorEpoch: 4 };
  const open: PartitionIndex = { ...EMPTY_INDEX, producers: new Map([[1, { producerEpoch: 0, lastAppendMs: 5, batches: [], txn }]]) };
  expect(version(open)).toBe(2);
  expect(decodeIndex(encodeIndex(open), "open")).toEqual(open);
  const aborted: PartitionIndex = { ...EMPTY_INDEX, aborted: [{ producerId: 1, firstOffset: 0, lastOffset: 4 }] };
  expect(version(aborted)).toBe(2);
  expect(decodeIndex(encodeIndex(aborted), "aborted")).toEqual(aborted);
  expect(() => decodeIndex(new TextEncoder().encode('{"v":3}'), "future")).toThrow(/version 3/);
});
