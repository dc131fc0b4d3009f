// @platformatic/kafka 2.12.1 consumer groups on two stateless brokers over one memory engine, and
// static membership: a member restarting with its group.instance.id causes no rebalance.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Admin, Consumer, type MessagesStream, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";
import type { RunningBroker } from "../../src/commands/broker.ts";
import { type Cluster, startCluster } from "../support/cluster.ts";
import { type FrameProxy, startFrameProxy } from "../support/frame-proxy.ts";
import { Tracker, expectExactlyOnce, groupState, waitFor, waitForSettled } from "./groups-support.ts";

const PARTITIONS = 6;
const SESSION_TIMEOUT = 4000;
const FETCH_MAX_WAIT = 200;

let cluster: Cluster;
let proxy: FrameProxy;
let behindProxy: RunningBroker;
const open: { consumer: Consumer<string, string, string, string>; stream: MessagesStream<string, string, string, string> }[] = [];

const base = (broker: string, clientId: string) => ({ clientId, bootstrapBrokers: [broker], retries: 3, retryDelay: 50 });
const bootstrap = (b: RunningBroker | undefined) => cluster.bootstrap(b ?? (cluster.brokers[0] as RunningBroker));

async function consume(broker: string, topic: string, groupId: string, name: string, groupInstanceId?: string) {
  const tracker = new Tracker(name);
  const consumer = new Consumer({ ...base(broker, name), groupId, groupInstanceId, deserializers: stringDeserializers, sessionTimeout: SESSION_TIMEOUT, rebalanceTimeout: 8000, heartbeatInterval: 200 });
  consumer.on("consumer:group:join", () => {
    tracker.memberId = consumer.memberId ?? "";
    tracker.partitions = (consumer.assignments ?? []).flatMap((a) => (a.topic === topic ? a.partitions : [])).sort((x, y) => x - y);
  });
  const stream = await consumer.consume({ topics: [topic], mode: "committed", fallbackMode: "earliest", autocommit: 100, maxWaitTime: FETCH_MAX_WAIT });
  stream.on("data", (m) => tracker.consume(m.partition, Number(m.offset), m.value ?? ""));
  const errors: unknown[] = [];
  // a consumer whose connections are cut reports its failures here
  stream.on("error", (e: unknown) => errors.push(e));
  const handle = { consumer, stream, tracker, errors };
  open.push(handle);
  return handle;
}

async function produce(topic: string, phase: string, count: number): Promise<string[]> {
  const producer = new Producer({ ...base(bootstrap(cluster.brokers[0]), "producer"), serializers: stringSerializers, autocreateTopics: false });
  const values = Array.from({ length: count }, (_, i) => `${phase}-${i}`);
  await producer.send({ messages: values.map((value, i) => ({ topic, value, partition: i % PARTITIONS })) });
  await producer.close();
  return values;
}

beforeAll(async () => {
  cluster = await startCluster(2, ["--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "1000"]);
  proxy = startFrameProxy();
  behindProxy = await cluster.start(["--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`]);
  proxy.setTarget(behindProxy.port);
  const admin = new Admin(base(bootstrap(cluster.brokers[0]), "admin"));
  await admin.createTopics({ topics: ["events", "static-events"], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
});

afterAll(async () => {
  await Promise.all(open.map(async ({ consumer, stream }) => {
    await stream.close().catch(() => {});
    await consumer.close(true).catch(() => {});
  }));
  proxy.stop();
  await cluster.close();
}, 30_000);

describe("@platformatic/kafka consumer groups", () => {
  test("two consumers on two brokers split the partitions and consume every record exactly once", async () => {
    const [one, two] = cluster.brokers;
    const a = await consume(bootstrap(one), "events", "platformatic", "a");
    const b = await consume(bootstrap(two), "events", "platformatic", "b");
    await waitForSettled(cluster.engine, "platformatic", "events", [a.tracker, b.tracker], PARTITIONS, FETCH_MAX_WAIT);
    const sent = await produce("events", "p", 600);
    await waitFor("600 records consumed", () => a.tracker.consumed.length + b.tracker.consumed.length >= 600);
    await Bun.sleep(200);
    expectExactlyOnce([a.tracker, b.tracker], sent);
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(a.tracker.partitions).toHaveLength(3);
  }, 30_000);

  test("a static member restarting within the session timeout takes its place back without a rebalance", async () => {
    const leader = await consume(bootstrap(cluster.brokers[0]), "static-events", "static", "leader", "instance-b");
    await waitForSettled(cluster.engine, "static", "static-events", [leader.tracker], PARTITIONS, FETCH_MAX_WAIT);
    // this member reaches its broker only through the proxy, so cutting it kills the member
    const doomed = await consume(proxy.bootstrap, "static-events", "static", "doomed", "instance-a");
    await waitForSettled(cluster.engine, "static", "static-events", [leader.tracker, doomed.tracker], PARTITIONS, FETCH_MAX_WAIT);
    const before = await groupState(cluster.engine, "static");
    const generationId = leader.consumer.generationId;
    proxy.stop();
    await Bun.sleep(500);

    const restarted = await consume(bootstrap(cluster.brokers[1]), "static-events", "static", "restarted", "instance-a");
    await waitFor("the restarted member back in the group", () => restarted.tracker.partitions.length > 0);
    const after = await groupState(cluster.engine, "static");
    expect(after).toMatchObject({ state: "Stable", generationId: before?.generationId, leaderId: before?.leaderId });
    expect(after?.members.map((m) => m.groupInstanceId)).toEqual(["instance-b", "instance-a"]);
    expect(after?.members[1]?.memberId).not.toBe(before?.members[1]?.memberId);
    expect(restarted.tracker.partitions).toEqual(doomed.tracker.partitions);
    expect(leader.consumer.generationId).toBe(generationId);
    expect(restarted.consumer.generationId).toBe(generationId);

    const sent = await produce("static-events", "s", 300);
    await waitFor("300 records consumed", () => leader.tracker.consumed.length + restarted.tracker.consumed.length >= 300);
    expectExactlyOnce([leader.tracker, restarted.tracker], sent);
    expect([...leader.errors, ...restarted.errors]).toEqual([]);
    expect((await groupState(cluster.engine, "static"))?.generationId).toBe(before?.generationId);
  }, 30_000);
});
