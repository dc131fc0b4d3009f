// kafkajs 2.2.4 and @platformatic/kafka 2.12.1 through `tansu proxy` in front of our broker: they
// produce, consume and run consumer groups, and every broker address they are told is the proxy's.
// One shared upstream connection per broker, the tightest sharing: group members must not wait for
// each other there.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Admin, Consumer, type MessagesStream, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";
import { type Consumer as KafkajsConsumer, Kafka, logLevel } from "kafkajs";
import { KafkaClient } from "../../src/client/index.ts";
import { DescribeClusterApi } from "../../src/protocol/generated/describe-cluster.ts";
import { FindCoordinatorApi } from "../../src/protocol/generated/find-coordinator.ts";
import { MetadataApi } from "../../src/protocol/generated/metadata.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { Tracker, waitFor } from "../e2e/groups-support.ts";
import { fetchAll } from "../e2e/kafkajs-support.ts";
import { startProxy, type TestProxy } from "./support.ts";

const PARTITIONS = 4;
let broker: TestBroker;
let proxy: TestProxy;

beforeAll(async () => {
  broker = await startBroker(["--node-id", "7", "--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "1000"]);
  proxy = await startProxy(broker.bootstrap, ["--upstream-connections", "1"]);
});
afterAll(async () => {
  expect(await proxy.stop()).toBe(0);
  expect(await broker.stop()).toBe(0);
});

/** Every broker address a client may be told: the proxy's host and one of its node ports, never the upstream's. */
function expectProxyAddress(host: string, port: number): void {
  expect(host).toBe("127.0.0.1");
  expect(port).not.toBe(broker.port);
  expect([...proxy.nodePorts().values()]).toContain(port);
}

const kafkajs = (clientId: string) => new Kafka({ clientId, brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 500 } });

describe("broker addresses through the proxy", () => {
  test("Metadata v0–12, FindCoordinator v0–6 and DescribeCluster v0–1 name only the proxy", async () => {
    const client = await KafkaClient.connect(proxy.bootstrap);
    try {
      for (let version = 0; version <= 12; version++) {
        const response = await client.request(MetadataApi, () => ({ topics: version === 0 ? [] : null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), { maxVersion: version });
        expect(response.brokers.map((b) => b.nodeId)).toEqual([7]);
        for (const b of response.brokers) expectProxyAddress(b.host, b.port);
      }
      for (let version = 0; version <= 6; version++) {
        const response = await client.request(FindCoordinatorApi, () => ({ key: "addresses", keyType: 0, coordinatorKeys: ["addresses", "others"] }), { maxVersion: version });
        const coordinators = version >= 4 ? response.coordinators : [response];
        expect(coordinators.length).toBe(version >= 4 ? 2 : 1);
        for (const c of coordinators) {
          expect([c.errorCode, c.nodeId]).toEqual([0, 7]);
          expectProxyAddress(c.host, c.port);
        }
      }
      for (let version = 0; version <= 1; version++) {
        const response = await client.request(DescribeClusterApi, () => ({ includeClusterAuthorizedOperations: false, endpointType: 1 }), { maxVersion: version });
        expect(response.brokers.map((b) => b.brokerId)).toEqual([7]);
        for (const b of response.brokers) expectProxyAddress(b.host, b.port);
      }
    } finally {
      await client.close();
    }
  });

  test("kafkajs's and @platformatic/kafka's own views of the cluster name only the proxy", async () => {
    const admin = kafkajs("addresses").admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([7]);
    for (const b of cluster.brokers) expectProxyAddress(b.host, b.port);

    const platformatic = new Admin({ clientId: "addresses", bootstrapBrokers: [proxy.bootstrap], retries: 3, retryDelay: 50 });
    try {
      const metadata = await platformatic.metadata({ topics: [] });
      expect([...metadata.brokers.keys()]).toEqual([7]);
      for (const b of metadata.brokers.values()) expectProxyAddress(b.host, b.port);
      const [coordinator] = await platformatic.findCoordinator({ keyType: 0, keys: ["platformatic-addresses"] });
      expect(coordinator?.nodeId).toBe(7);
      expectProxyAddress(coordinator?.host ?? "", coordinator?.port ?? 0);
    } finally {
      await platformatic.close();
    }
  });
});

describe("kafkajs through the proxy", () => {
  const topic = "proxy-kafkajs";
  const consumers: KafkajsConsumer[] = [];
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
  });

  test("produces (acks=1 and acks=0) and reads every record back", async () => {
    const kafka = kafkajs("kafkajs-records");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `acked-${i}`, partition: i % PARTITIONS })) });
    // acks=0: the broker sends no response and the proxy must not wait for one
    for (let i = 0; i < 20; i++) await producer.send({ topic, acks: 0, messages: [{ value: `unacked-${i}`, partition: i % PARTITIONS }] });
    // a request after them on the same connection is still answered
    await producer.send({ topic, messages: [{ value: "last", partition: 0 }] });
    await producer.disconnect();
    const records = await fetchAll(kafka, topic, [0, 1, 2, 3]);
    const values = records.map((r) => r.value);
    expect(values.length).toBe(221);
    expect(new Set(values).size).toBe(221);
    expect(values).toContain("unacked-19");
  });

  test("two consumers in a group share the partitions and consume each record once", async () => {
    const group = "proxy-kafkajs-group";
    const trackers = [new Tracker("a"), new Tracker("b")];
    for (const tracker of trackers) {
      const consumer = kafkajs(tracker.name).consumer({ groupId: group, sessionTimeout: 3000, rebalanceTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        tracker.memberId = payload.memberId;
        tracker.partitions = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => tracker.consume(partition, Number(message.offset), message.value?.toString() ?? "") });
      consumers.push(consumer);
    }
    await waitFor("both members assigned", () => trackers.every((t) => t.partitions.length === PARTITIONS / 2), 30_000);
    await waitFor("221 records consumed", () => trackers.reduce((n, t) => n + t.consumed.length, 0) >= 221, 30_000);
    await Bun.sleep(300);
    const consumed = trackers.flatMap((t) => t.consumed.map((r) => `${r.partition}:${r.offset}`));
    expect(new Set(consumed).size).toBe(221);
    expect(trackers.flatMap((t) => t.strays)).toEqual([]);
  }, 60_000);
});

describe("@platformatic/kafka through the proxy", () => {
  const topic = "proxy-platformatic";
  const open: { consumer: Consumer<string, string, string, string>; stream: MessagesStream<string, string, string, string> }[] = [];
  const base = (clientId: string) => ({ clientId, bootstrapBrokers: [proxy.bootstrap], retries: 5, retryDelay: 50 });
  afterAll(async () => {
    await Promise.all(
      open.map(async ({ consumer, stream }) => {
        await stream.close().catch(() => {});
        await consumer.close(true).catch(() => {});
      }),
    );
  });

  test("two consumers in a group receive every record produced, each once", async () => {
    const admin = new Admin(base("admin"));
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    await admin.close();
    const trackers = [new Tracker("a"), new Tracker("b")];
    const errors: unknown[] = [];
    for (const tracker of trackers) {
      const consumer = new Consumer({ ...base(tracker.name), groupId: "proxy-platformatic-group", deserializers: stringDeserializers, sessionTimeout: 4000, rebalanceTimeout: 8000, heartbeatInterval: 200 });
      consumer.on("consumer:group:join", () => {
        tracker.memberId = consumer.memberId ?? "";
        tracker.partitions = (consumer.assignments ?? []).flatMap((a) => (a.topic === topic ? a.partitions : [])).sort((x, y) => x - y);
      });
      const stream = await consumer.consume({ topics: [topic], mode: "committed", fallbackMode: "earliest", autocommit: 100, maxWaitTime: 200 });
      stream.on("data", (m) => tracker.consume(m.partition, Number(m.offset), m.value ?? ""));
      stream.on("error", (e: unknown) => errors.push(e));
      open.push({ consumer, stream });
    }
    await waitFor("both members assigned", () => trackers.every((t) => t.partitions.length === PARTITIONS / 2), 30_000);
    // a long poll the first member sent while it held every partition may still wait in the broker;
    // @platformatic/kafka delivers what it returns, revoked partitions included, so let it end first
    await Bun.sleep(1000);
    const producer = new Producer({ ...base("producer"), serializers: stringSerializers, autocreateTopics: false });
    const values = Array.from({ length: 300 }, (_, i) => `value-${i}`);
    await producer.send({ messages: values.map((value, i) => ({ topic, key: `k${i}`, value, partition: i % PARTITIONS })) });
    await producer.close();
    await waitFor("300 records consumed", () => trackers.reduce((n, t) => n + t.consumed.length, 0) >= 300, 30_000);
    await Bun.sleep(300);
    const consumed = trackers.flatMap((t) => t.consumed.map((r) => r.value));
    expect(consumed.length).toBe(300);
    expect(new Set(consumed)).toEqual(new Set(values));
    expect(trackers.flatMap((t) => t.strays)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  test("topics are described with leaders at the proxy", async () => {
    const admin = new Admin(base("describe"));
    try {
      const metadata = await admin.metadata({ topics: [topic] });
      expect(metadata.topics.get(topic)?.partitionsCount).toBe(PARTITIONS);
      for (const b of metadata.brokers.values()) expectProxyAddress(b.host, b.port);
    } finally {
      await admin.close();
    }
  });
});
