// kafkajs' admin against details a single-broker Kafka 3.9 accepts: manual replica assignments of
// one replica per partition, and deprecated topic configs that Kafka 3.x still takes.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: "topic-admin", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
  expect(await broker.stop()).toBe(0);
});

const errorType = (p: Promise<unknown>) =>
  p.then(
    () => "created",
    (e: unknown) => {
      const errors = (e as { errors?: { type?: string }[] }).errors;
      return errors?.[0]?.type ?? (e as { type?: string }).type ?? String(e);
    },
  );

test("a manual assignment of one replica per partition creates the topic, whatever broker id it names", async () => {
  await admin.createTopics({ topics: [{ topic: "assigned", replicaAssignment: [{ partition: 0, replicas: [111] }, { partition: 1, replicas: [7] }] }] });
  const metadata = await admin.fetchTopicMetadata({ topics: ["assigned"] });
  expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);
});

test("an assignment of two replicas per partition is INVALID_REPLICATION_FACTOR, as on a one-broker Kafka", async () => {
  expect(await errorType(admin.createTopics({ topics: [{ topic: "two-replicas", replicaAssignment: [{ partition: 0, replicas: [111, 112] }] }] }))).toBe("INVALID_REPLICATION_FACTOR");
  expect(await admin.listTopics()).not.toContain("two-replicas");
});

test("deprecated configs Kafka 3.x accepts are accepted and shown; an unknown one is INVALID_CONFIG", async () => {
  const deprecated = [
    { name: "message.format.version", value: "2.8" },
    { name: "message.downconversion.enable", value: "false" },
  ];
  await admin.createTopics({ topics: [{ topic: "old-configs", configEntries: deprecated }] });
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "old-configs", configNames: deprecated.map((c) => c.name) }] });
  expect(Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ "message.format.version": "2.8", "message.downconversion.enable": "false" });
  expect(await errorType(admin.createTopics({ topics: [{ topic: "unknown-config", configEntries: [{ name: "message.format.versions", value: "2.8" }] }] }))).toBe("INVALID_CONFIG");
});

test("message.timestamp.difference.max.ms still bounds timestamps when before/after are left at their default", async () => {
  await admin.createTopics({ topics: [{ topic: "bounded", configEntries: [{ name: "message.timestamp.difference.max.ms", value: "60000" }] }] });
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic: "bounded", messages: [{ value: "now" }] });
    const old = String(Date.now() - 3_600_000);
    expect(await errorType(producer.send({ topic: "bounded", messages: [{ value: "an hour ago", timestamp: old }] }))).toBe("INVALID_TIMESTAMP");
  } finally {
    await producer.disconnect();
  }
});
