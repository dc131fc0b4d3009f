import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startFrameProxy } from "../support/frame-proxy.ts";
import { fetchAll } from "./kafkajs-support.ts";
import { BASE_TIMESTAMP, expectExactly, makeRecords, type SentRecord } from "./records.ts";

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: "kafkajs-e2e", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

const toMessage = (r: SentRecord) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: String(r.timestamp), partition: r.partition });

describe("kafkajs 2.2.4", () => {
  const topic = "kafkajs-records";
  const sent: SentRecord[] = [];

  test("creates a 3-partition topic", async () => {
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions.length).toBe(3);
    await admin.disconnect();
  });

  test("produces 10,000 records with every codec kafkajs has (none, gzip) under acks 0, 1 and all", async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const runs = [CompressionTypes.None, CompressionTypes.GZIP].flatMap((compression) => [0, 1, -1].map((acks) => ({ compression, acks })));
    const perRun = Math.ceil(10_000 / runs.length);
    let id = 0;
    for (const { compression, acks } of runs) {
      const records = makeRecords(Math.min(perRun, 10_000 - id), id, 3);
      id += records.length;
      for (let i = 0; i < records.length; i += 500) {
        await producer.send({ topic, acks, compression, messages: records.slice(i, i + 500).map(toMessage) });
      }
      sent.push(...records);
    }
    await producer.disconnect();
    expect(sent.length).toBe(10_000);
  });

  test("reads back every key, value, header, timestamp, partition and offset", async () => {
    expectExactly(sent, await fetchAll(kafka, topic, [0, 1, 2]));
  });

  test("lists offsets: earliest, latest and by timestamp", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    const counts = [0, 1, 2].map((p) => sent.filter((r) => r.partition === p).length);
    expect(offsets.sort((a, b) => a.partition - b.partition).map((o) => [o.low, o.high])).toEqual(counts.map((c) => ["0", String(c)]));
    // record id 3000 has timestamp BASE + 3000 and sits in partition 3000 % 3 = 0
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP + 3000);
    const p0 = sent.filter((r) => r.partition === 0);
    expect(byTime.find((o) => o.partition === 0)?.offset).toBe(String(p0.findIndex((r) => r.id === 3000)));
    const future = await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP + 1_000_000);
    // no record that late: kafkajs maps offset -1 to the latest offset
    expect(future.find((o) => o.partition === 1)?.offset).toBe(String(counts[1]));
    await admin.disconnect();
  });

  test("an idempotent producer whose first produce is retried after a dropped connection stores each record once", async () => {
    let produces = 0;
    let cuts = 0;
    // the broker stores the first Produce, but its answer never arrives: the connection is cut
    const proxy = startFrameProxy({
      request(_frame, info) {
        if (info.apiKey === 0) produces++;
      },
      response(_frame, info) {
        if (info.apiKey !== 0 || cuts > 0) return "forward";
        cuts++;
        return "cut";
      },
    });
    const behind = await startBroker(["--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`]);
    proxy.setTarget(behind.port);
    try {
      const client = new Kafka({ clientId: "kafkajs-idempotent", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: "idempotent", numPartitions: 1 }] });
      await admin.disconnect();
      const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const records = makeRecords(100, 0, 1);
      await producer.send({ topic: "idempotent", acks: -1, messages: records.map(toMessage) });
      await producer.send({ topic: "idempotent", acks: -1, messages: makeRecords(50, 100, 1).map(toMessage) });
      await producer.disconnect();
      // the first Produce reached the broker twice: once cut off, once retried
      expect(cuts).toBe(1);
      expect(produces).toBeGreaterThanOrEqual(3);
      expectExactly([...records, ...makeRecords(50, 100, 1)], await fetchAll(client, "idempotent", [0]));
    } finally {
      await behind.stop();
      proxy.stop();
    }
  });

  test("deletes the topic and it is gone", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    await admin.disconnect();
  });
});
