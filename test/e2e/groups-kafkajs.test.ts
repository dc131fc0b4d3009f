// kafkajs 2.2.4 consumer groups on three stateless brokers over one memory engine: each consumer
// talks to a different broker, yet the group is one.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import type { RunningBroker } from "../../src/commands/broker.ts";
import { type Cluster, startCluster } from "../support/cluster.ts";
import { type FrameProxy, startFrameProxy } from "../support/frame-proxy.ts";
import { Tracker, expectExactlyOnce, waitFor, waitForSettled } from "./groups-support.ts";

const TOPIC = "orders";
const GROUP = "order-processors";
const PARTITIONS = 6;
const SESSION_TIMEOUT = 3000;
const FETCH_MAX_WAIT = 200;

let cluster: Cluster;
let proxy: FrameProxy;
const consumers = new Map<Tracker, Consumer>();

const kafkaFor = (broker: string, clientId: string, retries = 30) =>
  new Kafka({ clientId, brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 50, maxRetryTime: 500 } });

/** `retries` bounds how long a consumer whose broker vanished keeps trying (and its disconnect). */
async function startConsumer(broker: string, name: string, retries?: number): Promise<Tracker> {
  const tracker = new Tracker(name);
  const consumer = kafkaFor(broker, name, retries).consumer({ groupId: GROUP, sessionTimeout: SESSION_TIMEOUT, rebalanceTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: FETCH_MAX_WAIT });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    tracker.memberId = payload.memberId;
    tracker.partitions = [...(payload.memberAssignment[TOPIC] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => tracker.consume(partition, Number(message.offset), message.value?.toString() ?? "") });
  consumers.set(tracker, consumer);
  return tracker;
}

async function produce(broker: string, phase: string, count: number): Promise<string[]> {
  const producer = kafkaFor(broker, `producer-${phase}`).producer();
  await producer.connect();
  const values = Array.from({ length: count }, (_, i) => `${phase}-${i}`);
  await producer.send({ topic: TOPIC, messages: values.map((value, i) => ({ value, partition: i % PARTITIONS })) });
  await producer.disconnect();
  return values;
}

async function committed(broker: string): Promise<number[]> {
  const admin = kafkaFor(broker, "admin").admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  await admin.disconnect();
  return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

const bootstrap = (b: RunningBroker | undefined) => cluster.bootstrap(b ?? (cluster.brokers[0] as RunningBroker));
const marks = (trackers: readonly Tracker[]) => new Map(trackers.map((t) => [t, t.consumed.length]));

beforeAll(async () => {
  cluster = await startCluster(2, ["--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "1000"]);
  // the third broker is reached only through a proxy (it advertises the proxy), so cutting the
  // proxy kills its consumer's every connection without a LeaveGroup
  proxy = startFrameProxy();
  proxy.setTarget((await cluster.start(["--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`])).port);
  const admin = kafkaFor(bootstrap(cluster.brokers[0]), "admin").admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
});

afterAll(async () => {
  await Promise.all([...consumers.values()].map((c) => c.disconnect().catch(() => {})));
  proxy.stop();
  await cluster.close();
});

describe("kafkajs consumer group across three brokers", () => {
  let trackers: Tracker[] = [];

  test("three consumers on three brokers split six partitions and consume each record exactly once", async () => {
    const [one, two] = cluster.brokers;
    trackers = await Promise.all([startConsumer(bootstrap(one), "c1"), startConsumer(bootstrap(two), "c2"), startConsumer(proxy.bootstrap, "c3")]);
    await waitForSettled(cluster.engine, GROUP, TOPIC, trackers, PARTITIONS, FETCH_MAX_WAIT);
    expect(trackers.map((t) => t.partitions.length)).toEqual([2, 2, 2]);
    const sent = await produce(bootstrap(two), "first", 600);
    await waitFor("600 records consumed", () => trackers.reduce((n, t) => n + t.consumed.length, 0) >= 600);
    expectExactlyOnce(trackers, sent);
    await waitFor("offsets committed", async () => (await committed(bootstrap(one))).every((o) => o === 100));
  }, 30_000);

  test("a consumer that leaves hands its partitions over at once", async () => {
    const [c1, c2, c3] = trackers as [Tracker, Tracker, Tracker];
    const leaving = consumers.get(c3);
    consumers.delete(c3);
    await leaving?.disconnect();
    const handedOver = await waitForSettled(cluster.engine, GROUP, TOPIC, [c1, c2], PARTITIONS, FETCH_MAX_WAIT);
    expect(handedOver).toBeLessThan(SESSION_TIMEOUT);
    const before = marks([c1, c2]);
    const sent = await produce(bootstrap(cluster.brokers[0]), "second", 600);
    await waitFor("600 more records consumed", () => c1.consumed.length + c2.consumed.length >= (before.get(c1) ?? 0) + (before.get(c2) ?? 0) + 600);
    expectExactlyOnce([c1, c2], sent, before);
    await waitFor("offsets committed", async () => (await committed(bootstrap(cluster.brokers[0]))).every((o) => o === 200));
  }, 30_000);

  test("a consumer that dies without leaving loses its partitions within the session timeout", async () => {
    const [c1, c2] = trackers as [Tracker, Tracker];
    // c2 moves behind the proxy: restart it there so that cutting the proxy kills it
    const old = consumers.get(c2);
    consumers.delete(c2);
    await old?.disconnect();
    const c2b = await startConsumer(proxy.bootstrap, "c2b", 1);
    await waitForSettled(cluster.engine, GROUP, TOPIC, [c1, c2b], PARTITIONS, FETCH_MAX_WAIT);
    proxy.stop();
    const moved = await waitForSettled(cluster.engine, GROUP, TOPIC, [c1], PARTITIONS, FETCH_MAX_WAIT);
    expect(moved).toBeLessThan(SESSION_TIMEOUT + 1500);
    const before = marks([c1]);
    const sent = await produce(bootstrap(cluster.brokers[1]), "third", 600);
    await waitFor("600 records consumed by the survivor", () => c1.consumed.length >= (before.get(c1) ?? 0) + 600);
    expectExactlyOnce([c1], sent, before);
    await waitFor("offsets committed", async () => (await committed(bootstrap(cluster.brokers[1]))).every((o) => o === 300));
    const dead = consumers.get(c2b);
    consumers.delete(c2b);
    await dead?.disconnect().catch(() => {});
  }, 30_000);

  test("committed offsets survive a broker restart and a new consumer resumes where the group left off", async () => {
    for (const [tracker, consumer] of consumers) {
      consumers.delete(tracker);
      await consumer.disconnect();
    }
    for (const broker of [...cluster.brokers]) await cluster.stop(broker);
    const restarted = await cluster.start();
    expect(await committed(bootstrap(restarted))).toEqual(Array(PARTITIONS).fill(300));
    const sent = await produce(bootstrap(restarted), "fourth", 300);
    const resumed = await startConsumer(bootstrap(restarted), "resumed");
    await waitFor("300 new records consumed", () => resumed.consumed.length >= 300);
    await Bun.sleep(300);
    expectExactlyOnce([resumed], sent);
    expect(Math.min(...resumed.consumed.map((r) => r.offset))).toBe(300);
  }, 30_000);
});
