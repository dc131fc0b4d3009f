// Retention, DeleteRecords and compaction on S3 beyond the conformance suite: what they drop is
// listed as garbage in the index and deleted by maintenance only after the grace period (and only
// what nothing else refers to); compaction's index edit keeps what others changed meanwhile; a
// roll chosen before a compaction does nothing after it.

import { afterAll, afterEach, expect, setSystemTime, test } from "bun:test";
import { decodeBatch, encodeBatch } from "../../src/protocol/records/index.ts";
import type { AppendBatch } from "../../src/storage/engine.ts";
import { compactionEdit, type EntryChange } from "../../src/storage/s3/compaction-tree.ts";
import type { S3Engine, S3Tuning } from "../../src/storage/s3/index.ts";
import { raiseLogStart } from "../../src/storage/s3/log-start.ts";
import { ImmutableObjects } from "../../src/storage/s3/objects.ts";
import { EMPTY_INDEX, decodeIndex, encodeIndex, type Entry, type PartitionIndex } from "../../src/storage/s3/partition-index.ts";
import { referenced } from "../../src/storage/s3/references.ts";
import { SdkObjectStore } from "../../src/storage/s3/sdk-store.ts";
import { applyRoll, chooseRoll } from "../../src/storage/s3/segment-roll.ts";
import { s3Settings } from "../../src/storage/s3/settings.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { readAll } from "./conformance/context.ts";
import { openS3, s3Env, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;
const server = startS3Server({ buckets: ["tansu"] });
const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "k", secretAccessKey: "s" };
const raw = new SdkObjectStore(s3Settings(new URL("s3://tansu"), s3Env(target)));
const engines: S3Engine[] = [];
afterEach(async () => {
  setSystemTime();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  raw.close();
  await server.stop();
});

const tiny: Partial<S3Tuning> = { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2, orphanMinAgeMs: 10 * MINUTE };

/** Batch i: a record of key k(i mod 4), which later batches supersede, and one of a key of its own. */
function keyed(i: number): AppendBatch {
  const records = [`k${i % 4}`, `u${i}`].map((key) => ({ key: new TextEncoder().encode(key), value: new TextEncoder().encode(`v${i}`), timestamp: T0 }));
  const bytes = encodeBatch(records, { codec: "none", producerId: -1, producerEpoch: -1, baseSequence: -1 });
  return { bytes, meta: { recordCount: 2, baseTimestamp: T0, maxTimestamp: T0, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false } };
}

async function storedIndex(partition: string): Promise<PartitionIndex> {
  const got = await raw.get(`${partition}index.json`);
  if (got.kind !== "found") throw new Error("no index");
  return decodeIndex(got.bytes, "index");
}

test("objects dropped by DeleteRecords and replaced by compaction are deleted by maintenance, only after the grace period", async () => {
  const prefix = uniquePrefix("retention");
  const engine = await openS3(target, prefix, tiny);
  engines.push(engine);
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  if (created.errorCode !== 0) throw new Error("createTopic failed");
  const partition = `${prefix}/partitions/${created.topic.topicId}/0/`;
  for (let i = 0; i < 12; i++) await engine.append("t", 0, keyed(i));
  const named = Date.now();
  // The drops happen eleven minutes after the objects were named: an old object recently dropped.
  setSystemTime(new Date(named + 11 * MINUTE));
  expect(await engine.deleteRecords("t", 0, 12)).toEqual({ errorCode: 0, logStartOffset: 12 });
  expect(await engine.compact("t", 0, { compactBefore: T0 + 1, tombstonesBefore: T0 })).toEqual({ errorCode: 0, removedRecords: 1 });
  const dropAt = Date.now();
  setSystemTime();

  const index = await storedIndex(partition);
  expect(index.garbage.length).toBe(2);
  const needed = await referenced(index, new ImmutableObjects(raw, 1 << 20), partition, { from: 0, to: Infinity }, []);
  const objects = () => server.keys("tansu", partition).filter((k) => k.includes("/data/") || k.includes("/segments/"));
  const before = objects();
  const dropped = before.filter((k) => !needed.has(k.slice(partition.length)));
  expect(dropped.some((k) => k.includes("/data/"))).toBe(true);
  expect(dropped.some((k) => k.includes("/segments/"))).toBe(true);
  // By LastModified everything is old: only the grace period since the drop protects them.
  for (const key of server.keys("tansu", partition)) server.setLastModified("tansu", key, new Date(named - 11 * MINUTE));

  expect((await engine.maintenance.runOnce(dropAt + 5 * MINUTE)).deleted).toEqual([]);
  expect((await engine.maintenance.runOnce(dropAt + 9 * MINUTE)).deleted).toEqual([]);
  const report = await engine.maintenance.runOnce(dropAt + 10 * MINUTE + 1);
  expect(report.deleted.toSorted()).toEqual(dropped.toSorted());
  expect(objects().toSorted()).toEqual(before.filter((k) => !dropped.includes(k)).toSorted());
  expect((await storedIndex(partition)).garbage).toEqual([]);
  expect(await engine.maintenance.runOnce(dropAt + 20 * MINUTE)).toEqual({ deleted: [] });

  // What is left reads whole, through a fresh broker too.
  const other = await openS3(target, prefix, tiny);
  engines.push(other);
  const left = (await readAll(other, "t", 0, 12)).flatMap((b) => decodeBatch(b.bytes).records.map((r) => `${r.offset}:${new TextDecoder().decode(r.key ?? new Uint8Array())}`));
  expect(left).toEqual(["13:u6", "14:k3", "15:u7", "16:k0", "17:u8", "18:k1", "19:u9", "20:k2", "21:u10", "22:k3", "23:u11"]);
});

const entry = (i: number, data: number): Entry => ({ baseOffset: i * 2, lastOffset: i * 2 + 1, maxTimestamp: T0, data, position: 0, length: 10 });
const dataName = (n: number) => `data/${String(T0 + n).padStart(13, "0")}-d${n}`;

/** Four batches, one data object each. */
function fourBatches(): PartitionIndex {
  return { ...EMPTY_INDEX, highWatermark: 8, data: [0, 1, 2, 3].map((n) => ({ name: dataName(n), size: 10 })), entries: [0, 1, 2, 3].map((n) => entry(n, n)) };
}

function compactingOneAndTwo(planned: PartitionIndex) {
  const located = (i: number) => ({ entry: planned.entries[i] as Entry, data: planned.data[i] ?? { name: "", size: 0 } });
  const rewritten = { name: dataName(9), size: 5 };
  const changes = new Map<number, EntryChange>([
    [2, { old: located(1), next: null }],
    [4, { old: located(2), next: { entry: { ...entry(2, 0), length: 5 }, data: rewritten } }],
  ]);
  return compactionEdit(planned, changes, { segments: [], refs: new Map() }, new Set([rewritten.name]));
}

test("a compaction edit keeps appends and a raised logStartOffset, and is stale once a roll moved what it rewrites", () => {
  const planned = fourBatches();
  const edit = compactingOneAndTwo(planned);
  const now = T0 + MINUTE;
  const appended = { ...planned, highWatermark: 10, data: [...planned.data, { name: dataName(4), size: 10 }], entries: [...planned.entries, entry(4, 4)] };
  const raised = raiseLogStart(appended, 5, now);
  if (raised === null) throw new Error("not raised");
  const after = edit.apply(raised, now);
  if (typeof after === "string") throw new Error(after);
  // batch 1 stays gone (below logStartOffset), batch 2 is rewritten, batches 3 and 4 are untouched
  expect(after.logStartOffset).toBe(5);
  expect(after.entries.map((e) => [e.baseOffset, after.data[e.data]?.name])).toEqual([[4, dataName(9)], [6, dataName(3)], [8, dataName(4)]]);
  expect(after.garbage.flatMap((g) => g.data).toSorted()).toEqual([dataName(0), dataName(1), dataName(2)]);
  expect(edit.landed?.(after)).toBe(true);
  const roll = chooseRoll(appended, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2 }, `segments/${T0}-s.json`);
  if (roll === null) throw new Error("no roll");
  const rolled = applyRoll(appended, roll);
  if (rolled === null) throw new Error("not rolled");
  expect(edit.apply(rolled, now)).toBe("stale");
});

test("a roll chosen before a compaction does nothing after it", () => {
  const before = { ...fourBatches(), entries: [0, 1, 2, 3, 3].map((n, i) => entry(i, n)), highWatermark: 10 };
  const roll = chooseRoll(before, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2 }, `segments/${T0}-s.json`);
  if (roll === null) throw new Error("no roll");
  const compacted = compactingOneAndTwo(before).apply(before, T0);
  if (typeof compacted === "string") throw new Error(compacted);
  expect(applyRoll(compacted, roll)).toBeNull();
  expect(applyRoll(before, roll)).not.toBeNull();
});

test("an index with garbage is version 4 and reads back; versions 1 and 2 still read", () => {
  const raised = raiseLogStart(fourBatches(), 4, T0);
  if (raised === null) throw new Error("not raised");
  const body = encodeIndex(raised);
  expect((JSON.parse(new TextDecoder().decode(body)) as { v: number }).v).toBe(4);
  expect(decodeIndex(body, "garbage")).toEqual(raised);
  for (const v of [1, 2]) {
    const old = `{"v":${v},"logStartOffset":0,"highWatermark":2,"segments":[["segments/x.json",0,0,1,5,10,1,2]],"data":[],"entries":[],"producers":[]}`;
    expect(decodeIndex(new TextEncoder().encode(old), "old")).toMatchObject({ garbage: [], segments: [{ abortedFrom: -1, batches: -1 }] });
  }
});
