// The S3 engine against a real Ceph radosgw (started by scripts/ceph-rgw-up.sh, ~12 s): the same
// engine conformance suite as on the test server, then three engines and six idempotent producers
// on one partition. radosgw wants If-Match without quotes and answers 412 for If-Match on a
// missing key; the engine finds that out at start.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Engine } from "../../src/storage/engine.ts";
import { cephAvailable, startCeph, type Ceph } from "../support/ceph.ts";
import { readAll } from "../storage/conformance/context.ts";
import { runEngineConformance } from "../storage/conformance.ts";
import { testBatch } from "../storage/record-batch.ts";
import { openS3, s3Env, s3Fixture, uniquePrefix, type S3Target } from "../storage/s3-fixture.ts";
import { SdkObjectStore } from "../../src/storage/s3/sdk-store.ts";
import { s3Settings } from "../../src/storage/s3/settings.ts";

if (!cephAvailable()) throw new Error("radosgw is not installed: apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime");

let ceph: Ceph | undefined;
const target: S3Target = { endpoint: "", bucket: "tansu", accessKeyId: "", secretAccessKey: "" };

beforeAll(async () => {
  ceph = await startCeph([target.bucket]);
  Object.assign(target, { endpoint: ceph.endpoint, accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey });
}, 120_000);
afterAll(async () => {
  await ceph?.stop();
}, 30_000);

runEngineConformance("s3 on Ceph radosgw", () => s3Fixture(target));
runEngineConformance("s3 on Ceph radosgw (tiny index, commits one at a time)", () => s3Fixture(target, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2, speculativeCommits: false }));

test("three engines, six idempotent producers, one partition: every acknowledged batch once, contiguous", async () => {
  const prefix = uniquePrefix("ceph-concurrency");
  const brokers: Engine[] = await Promise.all([0, 1, 2].map(() => openS3(target, prefix)));
  const [first] = brokers as [Engine];
  expect((await first.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} })).errorCode).toBe(0);
  const acknowledged = new Map<string, number>();
  await Promise.all(
    Array.from({ length: 6 }, async (_, p) => {
      const init = await brokers[p % 3]!.initProducerId({ producerId: -1, producerEpoch: -1 });
      if (init.errorCode !== 0) throw new Error("initProducerId failed");
      for (let i = 0, sequence = 0; i < 40; i++) {
        const recordCount = 1 + ((p + i) % 3);
        const payload = `p${p}-b${i}`;
        const result = await brokers[(p + i) % 3]!.append("t", 0, testBatch({ producerId: init.producerId, producerEpoch: 0, baseSequence: sequence, recordCount, payload }));
        if (result.errorCode !== 0) throw new Error(`append failed with ${result.errorCode}`);
        acknowledged.set(payload, result.baseOffset);
        sequence += recordCount;
      }
    }),
  );
  const stored = await readAll(first, "t", 0);
  let next = 0;
  const found = new Map<string, number>();
  for (const batch of stored) {
    expect(batch.baseOffset).toBe(next);
    next = batch.lastOffset + 1;
    found.set(new TextDecoder().decode(batch.bytes).match(/p\d+-b\d+/)?.[0] ?? "", batch.baseOffset);
  }
  expect(found).toEqual(acknowledged);
  await Promise.all(brokers.map((e) => e.close()));
}, 60_000);

/** Every data and segment object under `prefix` (one page: a test partition holds few). */
async function dataObjects(target: S3Target, prefix: string): Promise<string[]> {
  const raw = new SdkObjectStore(s3Settings(new URL(`s3://${target.bucket}`), s3Env(target)));
  try {
    const page = await raw.list(prefix, { maxKeys: 1000 });
    return page.objects.map((o) => o.key).filter((k) => k.includes("/data/") || k.includes("/segments/"));
  } finally {
    raw.close();
  }
}

test("objects of records DeleteRecords and retention dropped disappear after maintenance; the rest reads whole", async () => {
  const prefix = uniquePrefix("ceph-retention");
  // no grace period: maintenance may delete what the index dropped at once
  const engine = await openS3(target, prefix, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2, orphanMinAgeMs: 0 });
  expect((await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} })).errorCode).toBe(0);
  for (let i = 0; i < 12; i++) await engine.append("t", 0, testBatch({ baseTimestamp: 1_700_000_000_000 + i * 1000, payload: `b${i}` }));
  const before = await dataObjects(target, prefix);
  expect(await engine.deleteRecords("t", 0, 6)).toEqual({ errorCode: 0, logStartOffset: 6 });
  expect(await engine.applyRetention("t", 0, { expireBefore: 1_700_000_000_000 + 8500, retainBytes: null })).toEqual({ errorCode: 0, logStartOffset: 9 });
  const report = await engine.maintenance.runOnce(Date.now() + 1);
  expect(report.deleted.length).toBeGreaterThan(0);
  const after = await dataObjects(target, prefix);
  expect(after.length).toBeLessThan(before.length);
  for (const key of report.deleted) expect(after).not.toContain(key);
  expect((await readAll(engine, "t", 0, 9)).map((b) => b.baseOffset)).toEqual([9, 10, 11]);
  await engine.close();
}, 60_000);
