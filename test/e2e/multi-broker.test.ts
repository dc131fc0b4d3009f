// Two broker processes over one store (a SQLite file, a PostgreSQL database) behave as one
// cluster: kafkajs producers on both, an assign-style reader on each (the project's client), every
// record exactly once at contiguous offsets, and a long poll on one broker woken by a produce on
// the other.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { fetchRecords, KafkaClient, topicPartitions, type FetchedRecord } from "../../src/client/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { freshDatabase } from "../support/postgres.ts";

interface Store {
  url: string;
  /** Rows of the topic visible with plain SQL, for stores that keep records as rows. */
  rows?: (topic: string) => Promise<number>;
  cleanup(): Promise<void>;
}

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-multi-"));
  return { url: `sqlite://${join(dir, "shared.db")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresStore(): Promise<Store> {
  const database = await freshDatabase("multi");
  const sql = postgres(database.url.href, { max: 1, onnotice: () => {} });
  return {
    url: database.url.href,
    rows: async (topic) => Number((await sql`select count(*) as n from tansu.records where topic = ${topic}`)[0]?.n),
    async cleanup() {
      await sql.end();
      await database.drop();
    },
  };
}

const PARTITIONS = 2;
const ROUNDS = 20;
const PER_ROUND = 50;

async function readAll(bootstrap: string, topic: string): Promise<FetchedRecord[]> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    const { partitions } = await topicPartitions(client, topic);
    const positions = new Map(partitions.map((p) => [p.partition, { ...p, offset: 0n }]));
    const records: FetchedRecord[] = [];
    for (let empty = 0; empty < 3; ) {
      const result = await fetchRecords(client, topic, [...positions.values()], { maxWaitMs: 50 });
      records.push(...result.records);
      empty = result.records.length === 0 ? empty + 1 : 0;
      for (const [partition, offset] of result.positions) {
        const position = positions.get(partition);
        if (position !== undefined) position.offset = offset;
      }
    }
    return records;
  } finally {
    await client.close();
  }
}

for (const [kind, open] of [["sqlite", sqliteStore], ["postgres", postgresStore]] as const) {
  describe(`two brokers on one ${kind} store`, () => {
    let store: Store;
    let brokers: TestBroker[] = [];
    const topic = `multi-${kind}`;

    beforeAll(async () => {
      store = await open();
      brokers = await Promise.all([0, 1].map(() => startBroker(["--storage-engine", store.url])));
    });
    afterAll(async () => {
      for (const b of brokers) expect(await b.stop()).toBe(0);
      await store.cleanup();
    });

    test("producers on both brokers: every record once, offsets contiguous, the same through either broker", async () => {
      const kafkas = brokers.map((b, i) => new Kafka({ clientId: `multi-${i}`, brokers: [b.bootstrap], logLevel: logLevel.NOTHING }));
      const admin = kafkas[0]!.admin();
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })).toBe(true);
      await admin.disconnect();
      const producers = kafkas.map((k, i) => k.producer({ idempotent: i === 0, allowAutoTopicCreation: false }));
      await Promise.all(producers.map((p) => p.connect()));
      const sent: string[] = [];
      await Promise.all(
        producers.map(async (producer, i) => {
          for (let round = 0; round < ROUNDS; round++) {
            const messages = Array.from({ length: PER_ROUND }, (_, j) => ({ value: `broker ${i} round ${round} record ${j}`, partition: j % PARTITIONS }));
            sent.push(...messages.map((m) => m.value));
            await producer.send({ topic, acks: -1, messages });
          }
        }),
      );
      await Promise.all(producers.map((p) => p.disconnect()));

      for (const broker of brokers) {
        const records = await readAll(broker.bootstrap, topic);
        const values = records.map((r) => new TextDecoder().decode(r.value ?? new Uint8Array()));
        expect(values.length).toBe(sent.length);
        expect(new Set(values).size).toBe(sent.length);
        expect([...values].sort()).toEqual([...sent].sort());
        for (let p = 0; p < PARTITIONS; p++) {
          const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
          expect(offsets).toEqual(offsets.map((_, i) => i));
        }
      }
      if (store.rows !== undefined) expect(await store.rows(topic)).toBe(sent.length);
    });

    test("a long poll on one broker wakes within milliseconds of a produce on the other", async () => {
      const client = await KafkaClient.connect(brokers[1]!.bootstrap);
      const kafka = new Kafka({ clientId: "multi-wake", brokers: [brokers[0]!.bootstrap], logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const { partitions } = await topicPartitions(client, topic);
        const leader = partitions[0]?.leader ?? 0;
        const end = (await fetchRecords(client, topic, [{ partition: 0, leader, offset: 0n }], { maxWaitMs: 0 })).positions.get(0) ?? 0n;
        let next = end;
        for (;;) {
          const r = await fetchRecords(client, topic, [{ partition: 0, leader, offset: next }], { maxWaitMs: 0 });
          if (r.records.length === 0) break;
          next = r.positions.get(0) ?? next;
        }
        const started = performance.now();
        const polling = fetchRecords(client, topic, [{ partition: 0, leader, offset: next }], { maxWaitMs: 20_000 });
        await Bun.sleep(200);
        const sentAt = performance.now();
        await producer.send({ topic, messages: [{ value: "wake up", partition: 0 }] });
        const result = await polling;
        const woke = performance.now();
        expect(result.records.map((r) => new TextDecoder().decode(r.value ?? new Uint8Array()))).toEqual(["wake up"]);
        expect(woke - started).toBeLessThan(5_000);
        expect(woke - sentAt).toBeLessThan(1_000);
      } finally {
        await producer.disconnect();
        await client.close();
      }
    });
  });
}
