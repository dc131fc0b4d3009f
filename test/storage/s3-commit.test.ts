// The S3 commit protocol and read path beyond the conformance suite: coalescing, commits whose
// answer was lost, conflict exhaustion, bounded indexes, range reads and caching.

import { afterAll, afterEach, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { StorageError } from "../../src/storage/engine.ts";
import { decodeIndex } from "../../src/storage/s3/partition-index.ts";
import type { S3Engine, S3Tuning } from "../../src/storage/s3/index.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { readAll } from "./conformance/context.ts";
import { expectedStored, testBatch } from "./record-batch.ts";
import { openS3, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const server = startS3Server({ buckets: ["tansu"] });
const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "k", secretAccessKey: "s" };
const engines: S3Engine[] = [];
afterEach(async () => {
  server.faults.clear();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(() => server.stop());

async function topicOn(tuning: Partial<S3Tuning> = {}, prefix = uniquePrefix("commit")) {
  const engine = await openS3(target, prefix, tuning);
  engines.push(engine);
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  if (created.errorCode !== 0) throw new Error("createTopic failed");
  return { engine, prefix, partition: `${prefix}/partitions/${created.topic.topicId}/0/` };
}

const count = (label: string) => server.stats.get(label) ?? 0;

test("concurrent appends to one partition share data objects and index writes", async () => {
  const { engine, partition } = await topicOn();
  server.faults.set({ latencyMs: { PutObject: 20 } });
  const batches = Array.from({ length: 64 }, (_, i) => testBatch({ payload: `b${i}` }));
  const offsets = await Promise.all(batches.map((b) => engine.append("t", 0, b)));
  expect(offsets.map((r) => (r.errorCode === 0 ? r.baseOffset : -1)).sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  const dataObjects = server.keys("tansu", `${partition}data/`).length;
  expect(dataObjects).toBeLessThanOrEqual(8);
  const stored = await readAll(engine, "t", 0);
  expect(stored.map((b) => b.baseOffset)).toEqual(Array.from({ length: 64 }, (_, i) => i));
});

test("a commit whose answer is lost is found in the index, never written twice", async () => {
  const { engine } = await topicOn({ commitAttempts: 50 });
  server.faults.set({ dropAfterRate: 0.3, operations: ["PutObject"] });
  const sent = Array.from({ length: 40 }, (_, i) => testBatch({ recordCount: 1 + (i % 3), payload: `lost-${i}` }));
  for (const batch of sent.slice(0, 20)) expect((await engine.append("t", 0, batch)).errorCode).toBe(0);
  await Promise.all(sent.slice(20).map((b) => engine.append("t", 0, b)));
  server.faults.clear();
  const stored = await readAll(engine, "t", 0);
  expect(stored).toHaveLength(40);
  const payloads = stored.map((b) => new TextDecoder().decode(b.bytes).match(/lost-\d+/)?.[0]);
  expect(new Set(payloads).size).toBe(40);
  expect((server.faults.injected.get("drop-after") ?? 0) > 0).toBe(true);
});

test("when every write loses its race the append fails as conflict-exhausted, storing nothing", async () => {
  const { engine } = await topicOn({ commitAttempts: 4 });
  await engine.append("t", 0, testBatch());
  server.faults.set({ preconditionStormRate: 1 });
  let error: unknown;
  try {
    await engine.append("t", 0, testBatch({ payload: "never" }));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe("conflict-exhausted");
  server.faults.clear();
  expect(await engine.append("t", 0, testBatch())).toMatchObject({ errorCode: 0, baseOffset: 1 });
  expect((await readAll(engine, "t", 0)).map((b) => b.baseOffset)).toEqual([0, 1]);
});

test("the index stays bounded: old entries roll into segments, segments into higher levels", async () => {
  const limits = { indexMaxEntries: 8, indexKeepEntries: 4, segmentFanout: 3 };
  const { engine, partition } = await topicOn(limits);
  const sent = Array.from({ length: 300 }, (_, i) => testBatch({ payload: `roll-${i}` }));
  for (const batch of sent) await engine.append("t", 0, batch);
  const index = decodeIndex(server.object("tansu", `${partition}index.json`)?.body ?? new Uint8Array(), "index");
  expect(index.highWatermark).toBe(300);
  expect(index.entries.length).toBeLessThanOrEqual(limits.indexMaxEntries + 1);
  const levels = new Set(index.segments.map((s) => s.level));
  expect(Math.max(...levels)).toBeGreaterThanOrEqual(2);
  for (const level of levels) expect(index.segments.filter((s) => s.level === level).length).toBeLessThanOrEqual(limits.segmentFanout + 1);
  const other = await openS3(target, partition.split("/partitions/")[0] ?? "", limits);
  engines.push(other);
  const stored = await readAll(other, "t", 0);
  expect(stored.map((b) => b.bytes)).toEqual(sent.map((b, i) => expectedStored(b.bytes, i)));
});

test("reads revalidate the index (304), fetch parts of large data objects by range and cache whole small ones", async () => {
  const { engine, prefix } = await topicOn();
  const big = Array.from({ length: 40 }, (_, i) => testBatch({ payload: `${i}`.padEnd(20_000, "x") }));
  await Promise.all(big.map((b) => engine.append("t", 0, b)));
  const reader = await openS3(target, prefix);
  engines.push(reader);
  const ranges: string[] = [];
  const stop = server.listen((op, key, headers) => {
    if (op === "GetObject" && key.includes("/data/")) ranges.push(headers.get("range") ?? "whole");
  });
  const notModified = count("GetObject 304");
  const middle = await reader.read("t", 0, 30, 1);
  expect(middle.errorCode === 0 && middle.batches.map((b) => b.baseOffset)).toEqual([30]);
  expect(ranges).toHaveLength(1);
  expect(ranges[0]).toMatch(/^bytes=\d+-\d+$/);
  await reader.read("t", 0, 30, 1);
  expect(count("GetObject 304")).toBeGreaterThan(notModified);

  const small = await topicOn({}, uniquePrefix("small"));
  await small.engine.append("t", 0, testBatch({ payload: "small" }));
  const smallReader = await openS3(target, small.prefix);
  engines.push(smallReader);
  ranges.length = 0;
  await smallReader.read("t", 0, 0, 1 << 20);
  await smallReader.read("t", 0, 0, 1 << 20);
  expect(ranges).toEqual(["whole"]);
  stop();
});

test("a broker whose metadata predates a delete and re-create cannot commit to the deleted topic", async () => {
  const { engine, prefix } = await topicOn();
  const stale = await openS3(target, prefix, { metadataMaxAgeMs: 60_000 });
  engines.push(stale);
  expect(await stale.append("t", 0, testBatch({ payload: "before" }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  expect(await engine.deleteTopic("t")).toBe(true);
  expect((await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} })).errorCode).toBe(0);
  // The stale broker still holds the old topic id: its commit meets the old index's tombstone.
  expect((await stale.append("t", 0, testBatch({ payload: "lost?" }))).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  // Told so, it looks the topic up again and writes to the new one.
  expect(await stale.append("t", 0, testBatch({ payload: "after" }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  const stored = await readAll(engine, "t", 0);
  expect(stored.map((b) => new TextDecoder().decode(b.bytes).includes("after"))).toEqual([true]);
});

test("a broker that has not seen a producer's latest batch does not refuse its next one", async () => {
  const { engine, prefix } = await topicOn();
  const other = await openS3(target, prefix);
  engines.push(other);
  const send = (e: S3Engine, baseSequence: number) => e.append("t", 0, testBatch({ producerId: 77, producerEpoch: 0, baseSequence, recordCount: 2 }));
  expect(await send(engine, 0)).toMatchObject({ errorCode: 0, baseOffset: 0 });
  expect(await send(other, 2)).toMatchObject({ errorCode: 0, baseOffset: 2 });
  // `engine` last saw the index before sequence 2 landed: in its copy, 4 follows a gap.
  expect(await send(engine, 4)).toMatchObject({ errorCode: 0, baseOffset: 4 });
  // A real gap is still refused, after the same check.
  expect((await send(other, 9)).errorCode).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
});
