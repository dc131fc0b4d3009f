// Three engines (three brokers) over one bucket, six idempotent producers writing to one partition
// at once while the store injects latency, 5xx, 412 storms, 409s and dropped connections. Failed
// appends are retried like a Kafka client does (the same batch, through any broker). Afterwards
// offsets 0..N-1 each hold exactly one acknowledged batch, none is missing or repeated, and a
// reader that followed the partition throughout never saw a gap.

import { afterAll, expect, test } from "bun:test";
import { StorageError, type Engine } from "../../src/storage/engine.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { readAll } from "./conformance/context.ts";
import { testBatch } from "./record-batch.ts";
import { openS3, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const server = startS3Server({ buckets: ["tansu"] });
const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "k", secretAccessKey: "s" };
afterAll(() => server.stop());

const PRODUCERS = 6;
const BATCHES = 40;

async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StorageError) || n > 50) throw e;
      await Bun.sleep(5);
    }
  }
}

test(`${PRODUCERS} idempotent producers through 3 brokers under faults: every acknowledged batch exactly once, no gaps`, async () => {
  const prefix = uniquePrefix("concurrency");
  const tuning = { indexMaxEntries: 32, indexKeepEntries: 8, segmentFanout: 4, commitAttempts: 30 };
  const brokers: Engine[] = await Promise.all([0, 1, 2].map(() => openS3(target, prefix, tuning)));
  const reader = await openS3(target, prefix, tuning);
  const [first] = brokers as [Engine];
  expect((await first.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} })).errorCode).toBe(0);
  server.faults.set({ latencyMs: 2, jitterMs: 6, errorRate: 0.03, preconditionStormRate: 0.05, conflictRate: 0.02, dropBeforeRate: 0.02, dropAfterRate: 0.03 });

  let following = true;
  let seen = 0;
  const follower = (async () => {
    for (;;) {
      const result = await reader.read("t", 0, seen, 64 << 10).catch(() => null);
      if (result === null || result.errorCode !== 0) continue;
      for (const batch of result.batches) {
        // Starting mid-batch is allowed; skipping past `seen` is a gap.
        expect(batch.baseOffset).toBeLessThanOrEqual(seen);
        seen = Math.max(seen, batch.lastOffset + 1);
      }
      if (result.batches.length === 0) {
        if (!following) break;
        await reader.waitForAppend([{ topic: "t", partition: 0 }], 200);
      }
    }
  })();

  const acknowledged = new Map<string, number>();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, p) => {
      const init = await retrying(() => brokers[p % 3]!.initProducerId({ producerId: -1, producerEpoch: -1 }));
      if (init.errorCode !== 0) throw new Error("initProducerId failed");
      let sequence = 0;
      for (let i = 0; i < BATCHES; i++) {
        const recordCount = 1 + ((p + i) % 3);
        const payload = `p${p}-b${i}`;
        const batch = testBatch({ producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: sequence, recordCount, payload });
        // A client that gets a retriable error sends the same batch again, maybe to another broker.
        const result = await retrying(() => brokers[(p + i + Math.floor(Math.random() * 3)) % 3]!.append("t", 0, batch));
        if (result.errorCode !== 0) throw new Error(`append ${payload} failed with ${result.errorCode}`);
        acknowledged.set(payload, result.baseOffset);
        sequence += recordCount;
      }
    }),
  );
  server.faults.clear();
  following = false;
  await follower;

  const stored = await readAll(reader, "t", 0);
  let next = 0;
  const found = new Map<string, number>();
  for (const batch of stored) {
    expect(batch.baseOffset).toBe(next);
    next = batch.lastOffset + 1;
    const payload = new TextDecoder().decode(batch.bytes).match(/p\d+-b\d+/)?.[0] ?? "";
    expect(found.has(payload)).toBe(false);
    found.set(payload, batch.baseOffset);
  }
  expect(found).toEqual(acknowledged);
  expect(found.size).toBe(PRODUCERS * BATCHES);
  expect(seen).toBe(next);
  expect(await reader.offsets("t", 0)).toMatchObject({ errorCode: 0, highWatermark: next });
  const injected = [...server.faults.injected.values()].reduce((a, b) => a + b, 0);
  expect(injected).toBeGreaterThan(50);
  await Promise.all([...brokers, reader].map((e) => e.close()));
}, 120_000);

test("appends not awaited one by one land in call order, also while their topic lookups go to the store with jittered latency", async () => {
  const prefix = uniquePrefix("call-order");
  const creator = await openS3(target, prefix, {});
  expect((await creator.createTopic({ name: "ordered", partitionCount: 1, replicationFactor: 1, configs: {} })).errorCode).toBe(0);
  // a broker that has not seen the topic: its first appends wait on lookups
  const broker = await openS3(target, prefix, { metadataMaxAgeMs: 1 });
  server.faults.set({ latencyMs: 1, jitterMs: 10 });
  try {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => broker.append("ordered", 0, testBatch({ recordCount: 1, payload: `b${i}` }))));
    expect(results.map((r) => ("baseOffset" in r ? r.baseOffset : -1))).toEqual(results.map((_, i) => i));
    const stored = await readAll(creator, "ordered", 0);
    expect(stored.map((b) => new TextDecoder().decode(b.bytes).match(/b\d+/)?.[0])).toEqual(results.map((_, i) => `b${i}`));
  } finally {
    server.faults.clear();
    await Promise.all([creator.close(), broker.close()]);
  }
});
