// kafkajs 2.2.4 end to end on a broker whose storage is the S3 engine (the project's test S3
// server): produce with every codec kafkajs has under acks 0, 1 and all, read every record back,
// list offsets, consume through a consumer group (group state and committed offsets on S3), and
// delete the topic.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startS3Server, type S3Server } from "../support/s3-server/index.ts";
import { fetchAll } from "./kafkajs-support.ts";
import { BASE_TIMESTAMP, expectExactly, makeRecords, type SentRecord } from "./records.ts";

let s3: S3Server;
let broker: TestBroker;
let kafka: Kafka;
const topic = "kafkajs-on-s3";
const sent: SentRecord[] = [];

beforeAll(async () => {
  s3 = startS3Server({ buckets: ["tansu"], accessKeyId: "kafkajs" });
  const env = { AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "kafkajs", AWS_SECRET_ACCESS_KEY: "secret" };
  broker = await startBroker(["--storage-engine", "s3://tansu/kafkajs", "--group-initial-rebalance-delay-ms", "0"], env);
  kafka = new Kafka({ clientId: "kafkajs-s3", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  await s3.stop();
});

const toMessage = (r: SentRecord) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: String(r.timestamp), partition: r.partition });

describe("kafkajs 2.2.4 on the S3 engine", () => {
  test("creates a 3-partition topic", async () => {
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length).toBe(3);
    await admin.disconnect();
  });

  test("produces 3,000 records, none and gzip, under acks 0, 1 and all, idempotent and not", async () => {
    const plain = kafka.producer({ allowAutoTopicCreation: false });
    const idempotent = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([plain.connect(), idempotent.connect()]);
    let id = 0;
    for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
      for (const acks of [0, 1, -1]) {
        const records = makeRecords(500, id, 3);
        id += records.length;
        const producer = acks === -1 ? idempotent : plain;
        for (let i = 0; i < records.length; i += 100) await producer.send({ topic, acks, compression, messages: records.slice(i, i + 100).map(toMessage) });
        sent.push(...records);
      }
    }
    await Promise.all([plain.disconnect(), idempotent.disconnect()]);
    expect(sent.length).toBe(3_000);
  });

  test("reads back every key, value, header, timestamp, partition and offset", async () => {
    expectExactly(sent, await fetchAll(kafka, topic, [0, 1, 2]));
  });

  test("lists offsets: earliest, latest and by timestamp", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const counts = [0, 1, 2].map((p) => sent.filter((r) => r.partition === p).length);
    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    expect(offsets.map((o) => [o.low, o.high])).toEqual(counts.map((c) => ["0", String(c)]));
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP + 1500);
    const p0 = sent.filter((r) => r.partition === 0);
    expect(byTime.find((o) => o.partition === 0)?.offset).toBe(String(p0.findIndex((r) => r.id >= 1500)));
    await admin.disconnect();
  });

  test("a consumer group consumes everything and commits its offsets", async () => {
    const consumer = kafka.consumer({ groupId: "s3-readers", sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Set<string>();
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.add(`${partition}/${message.offset}`);
        if (seen.size === sent.length) done();
      },
    });
    await all;
    await consumer.stop();
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: "s3-readers", topics: [topic] });
    const counts = [0, 1, 2].map((p) => String(sent.filter((r) => r.partition === p).length));
    expect((committed?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(counts);
    await admin.disconnect();
  }, 60_000);

  test("deletes the topic and it is gone", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    await admin.disconnect();
  });
});
