// Maintenance deletes what no index or segment refers to, once it is older than the safe age, and
// nothing else.

import { afterAll, afterEach, expect, test } from "bun:test";
import type { S3Engine, S3Tuning } from "../../src/storage/s3/index.ts";
import { SdkObjectStore } from "../../src/storage/s3/sdk-store.ts";
import { s3Settings } from "../../src/storage/s3/settings.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { readAll } from "./conformance/context.ts";
import { testBatch } from "./record-batch.ts";
import { openS3, s3Env, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const MINUTE = 60_000;
const server = startS3Server({ buckets: ["tansu"] });
const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "k", secretAccessKey: "s" };
const raw = new SdkObjectStore(s3Settings(new URL("s3://tansu"), s3Env(target)));
const engines: S3Engine[] = [];
afterEach(async () => {
  server.faults.clear();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  raw.close();
  await server.stop();
});

const tiny: Partial<S3Tuning> = { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2, orphanMinAgeMs: 10 * MINUTE, commitAttempts: 2 };
const name = (time: number) => `${String(time).padStart(13, "0")}-${crypto.randomUUID()}`;

async function setup(tuning: Partial<S3Tuning> = tiny) {
  const prefix = uniquePrefix("maintenance");
  const engine = await openS3(target, prefix, tuning);
  engines.push(engine);
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  if (created.errorCode !== 0) throw new Error("createTopic failed");
  for (let i = 0; i < 20; i++) await engine.append("t", 0, testBatch({ payload: `kept-${i}` }));
  return { engine, prefix, partition: `${prefix}/partitions/${created.topic.topicId}/0/` };
}

test("orphaned data objects and segments are deleted once old; referenced and young objects stay", async () => {
  const { engine, prefix, partition } = await setup();
  // A commit that never lands leaves its data object behind, as a broker dying mid-commit would.
  server.faults.set({ preconditionStormRate: 1 });
  await engine.append("t", 0, testBatch({ payload: "lost" })).catch(() => {});
  server.faults.clear();
  const now = Date.now();
  const orphanSegment = `${partition}segments/${name(now - 2 * MINUTE)}.json`;
  const deadTopic = `${prefix}/partitions/${crypto.randomUUID()}/0/data/${name(now - 2 * MINUTE)}`;
  const youngOrphan = `${partition}data/${name(now + 9 * MINUTE)}`;
  for (const key of [orphanSegment, deadTopic, youngOrphan]) await raw.put(key, new TextEncoder().encode("{}"), null);
  const before = server.keys("tansu", partition);
  const lost = before.filter((k) => k.includes("/data/") && !k.endsWith(youngOrphan.slice(-36)));

  // Nothing is old enough yet, now or five minutes from now.
  expect((await engine.maintenance.runOnce(now)).deleted).toEqual([]);
  expect((await engine.maintenance.runOnce(now + 5 * MINUTE)).deleted).toEqual([]);

  const later = now + 11 * MINUTE;
  for (const key of server.keys("tansu", prefix)) server.setLastModified("tansu", key, new Date(now - 11 * MINUTE));
  server.setLastModified("tansu", youngOrphan, new Date(now + 9 * MINUTE));
  const report = await engine.maintenance.runOnce(later);
  expect(report.deleted).toContain(orphanSegment);
  expect(report.deleted).toContain(deadTopic);
  expect(report.deleted).not.toContain(youngOrphan);
  const deletedData = report.deleted.filter((k) => k.startsWith(`${partition}data/`));
  expect(deletedData).toHaveLength(1);
  expect(lost).toContain(deletedData[0] ?? "none");
  // Every batch is still readable, through the index and its segments.
  const stored = await readAll(engine, "t", 0);
  expect(stored.map((b) => new TextDecoder().decode(b.bytes).match(/kept-\d+/)?.[0])).toEqual(Array.from({ length: 20 }, (_, i) => `kept-${i}`));
  expect(server.keys("tansu", partition).some((k) => k.includes("/segments/"))).toBe(true);
  expect(server.object("tansu", `${partition}maintenance.json`)).toBeDefined();
  expect(await engine.maintenance.runOnce(later)).toEqual({ deleted: [] });
});

test("the engine runs maintenance on its own, on the configured interval", async () => {
  const { engine, partition } = await setup({ ...tiny, maintenanceIntervalMs: 100 });
  const old = Date.now() - 15 * MINUTE;
  const orphan = `${partition}data/${name(old)}`;
  await raw.put(orphan, new Uint8Array(10), null);
  server.setLastModified("tansu", orphan, new Date(old));
  for (let i = 0; i < 50 && server.object("tansu", orphan) !== undefined; i++) await Bun.sleep(50);
  expect(server.object("tansu", orphan)).toBeUndefined();
  expect((await readAll(engine, "t", 0)).length).toBe(20);
});
