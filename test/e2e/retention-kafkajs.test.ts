// Retention as kafkajs 2.2.4 sees it, on memory:// and on a SQLite file, with the broker's sweep
// every 300 ms: admin.deleteTopicRecords, retention.ms emptying a topic whose offsets then go on,
// a consumer group reading from the new logStartOffset, and a compacted changelog read back with
// the latest value per key at its original offset. Bad input gets kafkajs's own errors.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Admin, Kafka, Producer } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { fetchAll } from "./kafkajs-support.ts";
import { kafkaFor, sqliteFile, TXN_BROKER_FLAGS, waitFor } from "./transactions-support.ts";

const SWEEP = ["--log-retention-check-interval-ms", "300"];

const stores = [
  ["memory", () => ({ url: "memory://", cleanup: () => {} })],
  ["sqlite", () => sqliteFile("retention-kafkajs")],
] as const;

/** One send (one batch) per message, so that retention and compaction have batches to choose from. */
async function sendEach(producer: Producer, topic: string, messages: { key?: string; value: string | null; timestamp?: string }[]): Promise<void> {
  for (const m of messages) await producer.send({ topic, messages: [{ ...m, partition: 0 }] });
}

async function offsetsOf(admin: Admin, topic: string): Promise<{ low: number; high: number }> {
  const [p] = await admin.fetchTopicOffsets(topic);
  return { low: Number(p?.low), high: Number(p?.high) };
}

/** What a new consumer group reads from the beginning: ListOffsets earliest, then fetches. */
async function consumeFromBeginning(kafka: Kafka, topic: string, groupId: string, count: number): Promise<number[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const offsets: number[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void offsets.push(Number(message.offset)) });
    await waitFor(`${count} records of ${topic}`, () => offsets.length >= count);
    return offsets;
  } finally {
    await consumer.disconnect();
  }
}

/** deleteTopicRecords must fail: the partitions' error types. */
async function deleteFailure(admin: Admin, topic: string, offset: string): Promise<unknown[]> {
  try {
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset }] });
  } catch (e) {
    const partitions = (e as { cause?: { partitions?: { error?: { type?: unknown } }[] } }).cause?.partitions ?? [];
    return partitions.map((p) => p.error?.type);
  }
  throw new Error(`deleting records of ${topic} up to ${offset} succeeded`);
}

/** createTopics must fail: kafkajs gathers the topics' errors in an aggregate. */
async function createFailure(admin: Admin, topic: Parameters<Admin["createTopics"]>[0]["topics"][number]): Promise<unknown[]> {
  try {
    await admin.createTopics({ topics: [topic] });
  } catch (e) {
    return ((e as { errors?: { type?: unknown }[] }).errors ?? []).map((x) => x.type);
  }
  throw new Error(`creating ${topic.topic} succeeded`);
}

for (const [kind, open] of stores) {
  describe(`kafkajs and retention on ${kind}://`, () => {
    let store: { url: string; cleanup(): void };
    let broker: TestBroker;
    let kafka: Kafka;
    let admin: Admin;
    let producer: Producer;

    beforeAll(async () => {
      store = open();
      broker = await startBroker(["--storage-engine", store.url, ...SWEEP, ...TXN_BROKER_FLAGS]);
      kafka = kafkaFor(broker.bootstrap, `retention-${kind}`);
      admin = kafka.admin();
      producer = kafka.producer({ allowAutoTopicCreation: false });
      await Promise.all([admin.connect(), producer.connect()]);
    });
    afterAll(async () => {
      await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
      await broker?.stop();
      store?.cleanup();
    });

    test("deleteTopicRecords raises the low watermark; a new group starts there; beyond the high watermark is refused", async () => {
      await admin.createTopics({ topics: [{ topic: "deleted", numPartitions: 1 }] });
      await sendEach(producer, "deleted", Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })));
      // kafkajs's admin looks the leader up in its cached metadata
      await admin.fetchTopicMetadata({ topics: ["deleted"] });
      await admin.deleteTopicRecords({ topic: "deleted", partitions: [{ partition: 0, offset: "4" }] });
      expect(await offsetsOf(admin, "deleted")).toEqual({ low: 4, high: 10 });
      expect(await consumeFromBeginning(kafka, "deleted", `g-deleted-${kind}`, 6)).toEqual([4, 5, 6, 7, 8, 9]);
      expect(await deleteFailure(admin, "deleted", "11")).toEqual(["OFFSET_OUT_OF_RANGE"]);
      await admin.deleteTopicRecords({ topic: "deleted", partitions: [{ partition: 0, offset: "-1" }] });
      expect(await offsetsOf(admin, "deleted")).toEqual({ low: 10, high: 10 });
      await sendEach(producer, "deleted", [{ value: "after" }]);
      expect(await offsetsOf(admin, "deleted")).toEqual({ low: 10, high: 11 });
    });

    test("retention.ms empties a topic of old records within the check interval; offsets go on", async () => {
      await admin.createTopics({ topics: [{ topic: "expiring", numPartitions: 1, configEntries: [{ name: "retention.ms", value: "60000" }] }] });
      const old = String(Date.now() - 120_000);
      await sendEach(producer, "expiring", Array.from({ length: 5 }, (_, i) => ({ value: `old${i}`, timestamp: old })));
      await sendEach(producer, "expiring", [{ value: "new" }]);
      await waitFor("retention to pass the old records", async () => (await offsetsOf(admin, "expiring")).low === 5, 10_000);
      expect(await offsetsOf(admin, "expiring")).toEqual({ low: 5, high: 6 });
      expect(await consumeFromBeginning(kafka, "expiring", `g-expiring-${kind}`, 1)).toEqual([5]);
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: "expiring", configEntries: [{ name: "retention.ms", value: "1" }] }] });
      await waitFor("retention to pass every record", async () => (await offsetsOf(admin, "expiring")).low === 6, 10_000);
      await sendEach(producer, "expiring", [{ value: "next" }]);
      expect(await offsetsOf(admin, "expiring")).toEqual({ low: 6, high: 7 });
    });

    test("a compacted changelog reads back with the latest value per key at its original offset", async () => {
      const configEntries = [
        { name: "cleanup.policy", value: "compact" },
        { name: "min.compaction.lag.ms", value: "0" },
        { name: "delete.retention.ms", value: "0" },
      ];
      await admin.createTopics({ topics: [{ topic: "changelog", numPartitions: 1, configEntries }] });
      const updates = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 6}`, value: `v${i}` }));
      await sendEach(producer, "changelog", [...updates, { key: "k3", value: null }, { key: "k9", value: "last" }]);
      // offsets 24..29 hold each key's last update; 30 is k3's tombstone; the last batch is never compacted
      const expected = [
        { offset: 24, key: "k0", value: "v24" },
        { offset: 25, key: "k1", value: "v25" },
        { offset: 26, key: "k2", value: "v26" },
        { offset: 28, key: "k4", value: "v28" },
        { offset: 29, key: "k5", value: "v29" },
        { offset: 31, key: "k9", value: "last" },
      ];
      const read = async () => (await fetchAll(kafka, "changelog", [0])).map(({ offset, key, value }) => ({ offset, key, value }));
      await waitFor("compaction", async () => (await read()).length === expected.length, 10_000);
      expect(await read()).toEqual(expected);
      expect(await offsetsOf(admin, "changelog")).toEqual({ low: 0, high: 32 });
    });

    test("bad retention configs are refused with INVALID_CONFIG; no topic is created", async () => {
      for (const [name, value] of [["retention.ms", "soon"], ["retention.bytes", "-2"], ["cleanup.policy", "shred"], ["delete.retention.ms", "-5"]] as const) {
        const failure = await createFailure(admin, { topic: "bad", numPartitions: 1, configEntries: [{ name, value }] });
        // kafkajs keeps the error code only; the broker's message naming the config is not surfaced
        expect(failure).toEqual(["INVALID_CONFIG"]);
      }
      expect(await admin.listTopics()).not.toContain("bad");
    });
  });
}
