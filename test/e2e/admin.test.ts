// The admin side-port of a real broker process, read with fetch: health, readiness, JSON errors,
// topics and groups as kafkajs leaves them, and Prometheus metrics that move with the traffic.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { parseMetrics, sample } from "../support/prometheus.ts";

let broker: TestBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker(["--group-initial-rebalance-delay-ms", "0"], {}, { admin: true });
  kafka = new Kafka({ clientId: "admin-test", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

const get = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${broker.adminUrl}${path}`, init);
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, type, body: type.startsWith("application/json") ? ((await response.json()) as Record<string, unknown>) : await response.text() };
};
const metrics = async () => parseMetrics(String((await get("/metrics")).body));

test("the admin port is logged with the port it bound", () => {
  expect(broker.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(broker.logs()).toMatch(/admin listening listener=127\.0\.0\.1:\d+/);
});

test("health and readiness", async () => {
  expect(await get("/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  expect(await get("/ready")).toMatchObject({ status: 200, body: { status: "ready", storage: "memory://" } });
});

test("unknown paths, methods, topics and groups are JSON 404s", async () => {
  expect(await get("/nothing/here")).toMatchObject({ status: 404, type: expect.stringContaining("application/json"), body: { error: "not found", path: "/nothing/here" } });
  expect(await get("/health", { method: "POST" })).toMatchObject({ status: 404, body: { error: "not found" } });
  expect(await get("/api/topics/no-such-topic")).toMatchObject({ status: 404, body: { error: "not found" } });
  expect(await get("/api/groups/no-such-group")).toMatchObject({ status: 404, body: { error: "not found" } });
});

test("produce moves the counters; topics show their offsets", async () => {
  const before = await metrics();
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `value-${i}`, partition: i % 2 }));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "admin-orders", numPartitions: 2 }] });
  await producer.send({ topic: "admin-orders", acks: -1, messages });
  await producer.disconnect();
  // an error response: creating a topic that exists (kafkajs answers false)
  expect(await admin.createTopics({ topics: [{ topic: "admin-orders", numPartitions: 2 }] })).toBe(false);
  await admin.disconnect();

  const after = await metrics();
  expect(sample(after, "tansu_produced_records_total") - sample(before, "tansu_produced_records_total")).toBe(10);
  expect(sample(after, "tansu_produced_bytes_total")).toBeGreaterThan(sample(before, "tansu_produced_bytes_total") + 10 * 7);
  expect(sample(after, "tansu_requests_total", { api: "Produce" })).toBeGreaterThanOrEqual(1);
  expect(sample(after, "tansu_request_errors_total", { error: "TOPIC_ALREADY_EXISTS", code: "36" })).toBeGreaterThanOrEqual(1);
  expect(sample(after, "tansu_connections_total")).toBeGreaterThan(sample(before, "tansu_connections_total"));
  expect(sample(after, "tansu_storage_duration_seconds_count", { operation: "append" })).toBeGreaterThanOrEqual(1);
  expect(sample(after, "tansu_request_duration_seconds_bucket", { api: "Produce", le: "+Inf" })).toBe(sample(after, "tansu_request_duration_seconds_count", { api: "Produce" }));

  const { body: list } = await get("/api/topics");
  expect(list).toMatchObject({ topics: expect.arrayContaining([expect.objectContaining({ name: "admin-orders", partitions: 2, replicationFactor: 1 })]) });
  expect(await get("/api/topics/admin-orders")).toMatchObject({
    status: 200,
    body: {
      name: "admin-orders",
      topicId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      partitions: [
        { partition: 0, logStartOffset: 0, highWatermark: 5 },
        { partition: 1, logStartOffset: 0, highWatermark: 5 },
      ],
    },
  });
});

test("a consuming group shows its members, assignments, committed offsets and lag", async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: "admin-events", acks: -1, messages: Array.from({ length: 6 }, (_, i) => ({ value: `e${i}` })) });
  const consumer = kafka.consumer({ groupId: "admin-group", maxWaitTimeInMs: 100, heartbeatInterval: 300 });
  await consumer.connect();
  await consumer.subscribe({ topic: "admin-events", fromBeginning: true });
  let seen = 0;
  const allSeen = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === 6) resolve();
      },
    });
  });
  await allSeen;
  await consumer.commitOffsets([{ topic: "admin-events", partition: 0, offset: "6" }]);
  // two more records leave the group 2 behind
  await producer.send({ topic: "admin-events", acks: -1, messages: [{ value: "late-1" }, { value: "late-2" }] });
  await consumer.pause([{ topic: "admin-events" }]);

  const { body: groups } = await get("/api/groups");
  expect(groups).toMatchObject({ groups: expect.arrayContaining([expect.objectContaining({ groupId: "admin-group", state: "Stable", protocolType: "consumer", members: 1 })]) });
  const detail = await get("/api/groups/admin-group");
  expect(detail).toMatchObject({
    status: 200,
    body: {
      groupId: "admin-group",
      state: "Stable",
      protocolType: "consumer",
      members: [{ clientId: "admin-test", assignment: [{ topic: "admin-events", partitions: [0] }] }],
      offsets: [{ topic: "admin-events", partition: 0, offset: 6, highWatermark: 8, lag: 2 }],
    },
  });
  const m = await metrics();
  expect(sample(m, "tansu_groups", { state: "Stable" })).toBeGreaterThanOrEqual(1);
  expect(sample(m, "tansu_group_members")).toBeGreaterThanOrEqual(1);
  expect(sample(m, "tansu_fetched_records_total")).toBeGreaterThanOrEqual(6);
  expect(sample(m, "tansu_connections_open")).toBeGreaterThanOrEqual(1);
  await consumer.disconnect();
  await producer.disconnect();
}, 30_000);

test("every metrics line is a comment or a well-formed sample", async () => {
  const { status, type, body } = await get("/metrics");
  expect(status).toBe(200);
  expect(type).toBe("text/plain; version=0.0.4; charset=utf-8");
  for (const line of String(body).trimEnd().split("\n")) {
    expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="[^"]*",?)+\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN))$/);
  }
});
