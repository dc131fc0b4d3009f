// Retention, DeleteRecords and compaction as kcat 1.7.1 and confluent-kafka-python 1.7.0 (both
// librdkafka 2.0.2) see them, on one broker over a SQLite file sweeping every 300 ms. Neither has
// a DeleteRecords call in these versions, nor can kcat set a topic config, so kafkajs creates the
// topics and deletes records; kcat and confluent-kafka read the earliest offset (ListOffsets -2)
// and the records from the beginning.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { waitFor } from "../e2e/groups-support.ts";
import { kcatConsume, kcatProduce, kcatQuery } from "./support/kcat.ts";
import { python } from "./support/python.ts";
import type { SentRecord } from "./support/records.ts";

let broker: TestBroker;
let dir: string;
let admin: Admin;
let kafka: Kafka;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-retention-compat-"));
  broker = await startBroker(["--storage-engine", `sqlite://${join(dir, "retention.db")}`, "--log-retention-check-interval-ms", "300"]);
  kafka = new Kafka({ clientId: "retention-compat", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function create(topic: string, configs: Record<string, string> = {}): Promise<void> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries }] })).toBe(true);
  await admin.fetchTopicMetadata({ topics: [topic] });
}

/** One kafkajs send (one batch) per value, stamped `timestamp`. */
async function sendEach(topic: string, values: readonly string[], timestamp = Date.now()): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const value of values) await producer.send({ topic, messages: [{ value, partition: 0, timestamp: String(timestamp) }] });
  } finally {
    await producer.disconnect();
  }
}

interface Seen {
  earliest: number;
  offsets: number[];
  values: (string | null)[];
}

const kcatSees = async (topic: string): Promise<Seen> => {
  const [earliest] = await kcatQuery(broker.bootstrap, topic, 1, -2);
  const records = await kcatConsume(broker.bootstrap, topic);
  return { earliest: earliest ?? Number.NaN, offsets: records.map((r) => r.offset), values: records.map((r) => r.value) };
};

async function confluentSees(topic: string, expect: number): Promise<Seen> {
  const { earliest } = await python<{ earliest: number[] }>("confluent_client.py", "offsets", { bootstrap: broker.bootstrap, topic, partitions: 1, timestamps: [] });
  const out = join(dir, `${topic}-confluent.jsonl`);
  await python("confluent_client.py", "consume", { bootstrap: broker.bootstrap, topic, partitions: 1, expect, out });
  const lines = readFileSync(out, "utf8").split("\n").filter((l) => l !== "");
  const records = lines.map((l) => JSON.parse(l) as { o: number; v: string | null });
  return { earliest: earliest[0] ?? Number.NaN, offsets: records.map((r) => r.o), values: records.map((r) => r.v) };
}

describe("logStartOffset as librdkafka clients see it", () => {
  test("after DeleteRecords: earliest is the new logStartOffset and reading from the beginning starts there", async () => {
    await create("deleted");
    await sendEach("deleted", ["a", "b", "c", "d", "e", "f"]);
    await admin.deleteTopicRecords({ topic: "deleted", partitions: [{ partition: 0, offset: "4" }] });
    const want = { earliest: 4, offsets: [4, 5], values: ["e", "f"] };
    expect(await kcatSees("deleted")).toEqual(want);
    expect(await confluentSees("deleted", 6)).toEqual(want);
  });

  test("after time retention: expired batches are gone within the check interval", async () => {
    await create("expiring", { "retention.ms": "60000" });
    await sendEach("expiring", ["old-0", "old-1", "old-2"], Date.now() - 3_600_000);
    await sendEach("expiring", ["new-3", "new-4"]);
    await waitFor("retention", async () => (await kcatQuery(broker.bootstrap, "expiring", 1, -2))[0] === 3, 10_000);
    const want = { earliest: 3, offsets: [3, 4], values: ["new-3", "new-4"] };
    expect(await kcatSees("expiring")).toEqual(want);
    expect(await confluentSees("expiring", 5)).toEqual(want);
  });

  test("a compacted topic produced by kcat reads back with the latest value per key", async () => {
    // a pass may run while kcat still produces; with the default dirty ratio (0.5) the empty batches that pass
    // leaves can keep the rest just under it, so any dirty byte makes this partition due
    await create("compacted", { "cleanup.policy": "compact", "min.compaction.lag.ms": "0", "delete.retention.ms": "0", "min.cleanable.dirty.ratio": "0" });
    // five kcat runs, each one batch of an update to every key k0..k3; then k1's tombstone; then one more record
    const record = (seq: number, key: string, value: string | null): SentRecord => ({ run: "compacted", seq, key, value, headers: [], timestamp: null });
    for (let round = 0; round < 5; round++) {
      const records = [0, 1, 2, 3].map((k) => record(round * 4 + k, `k${k}`, `r${round}-k${k}`));
      await kcatProduce(broker.bootstrap, { topic: "compacted", records, headers: [], codec: "none", acks: "all" });
    }
    await kcatProduce(broker.bootstrap, { topic: "compacted", records: [record(20, "k1", null)], headers: [], codec: "none", acks: "all" });
    await kcatProduce(broker.bootstrap, { topic: "compacted", records: [record(21, "k9", "last")], headers: [], codec: "none", acks: "all" });
    const want = { earliest: 0, offsets: [16, 18, 19, 21], values: ["r4-k0", "r4-k2", "r4-k3", "last"] };
    await waitFor("compaction", async () => (await kcatSees("compacted")).offsets.length === want.offsets.length, 10_000);
    expect(await kcatSees("compacted")).toEqual(want);
    expect(await confluentSees("compacted", 22)).toEqual(want);
  });
});
