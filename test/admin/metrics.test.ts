import { expect, test } from "bun:test";
import { recordCount } from "../../src/admin/metrics/batches.ts";
import { instrumentEngine } from "../../src/admin/metrics/engine.ts";
import { Histogram } from "../../src/admin/metrics/histogram.ts";
import { metricsObserver } from "../../src/admin/metrics/observe.ts";
import { BrokerMetrics } from "../../src/admin/metrics/registry.ts";
import { renderMetrics } from "../../src/admin/metrics/render.ts";
import { CleanupProgress } from "../../src/retention/progress.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { parseMetrics, sample } from "../support/prometheus.ts";

const value = new Uint8Array(10);
const batch = (n: number) => encodeBatch(Array.from({ length: n }, () => ({ value })));

test("records are counted from batch headers; a trailing partial batch is not", () => {
  const two = new Uint8Array([...batch(3), ...batch(5)]);
  expect(recordCount(two)).toBe(8);
  expect(recordCount(two.subarray(0, two.length - 1))).toBe(3);
  expect(recordCount(new Uint8Array(0))).toBe(0);
});

test("Produce counts stored partitions only; every errorCode in a response counts; a failed handler is UNKNOWN_SERVER_ERROR", () => {
  const m = new BrokerMetrics();
  const observer = metricsObserver(m);
  const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: "t", partitionData: [{ index: 0, records: batch(4) }, { index: 1, records: batch(6) }] }] };
  const response = { throttleTimeMs: 0, responses: [{ name: "t", partitionResponses: [{ index: 0, errorCode: 0 }, { index: 1, errorCode: 6 }] }] };
  observer.requestHandled(0, "Produce", 9, request, response, 0.002);
  expect([m.producedRecords, m.producedBytes]).toEqual([4, batch(4).byteLength]);
  // acks=0: no response, every partition was stored
  observer.requestHandled(0, "Produce", 9, request, null, 0.001);
  expect(m.producedRecords).toBe(14);
  observer.requestHandled(3, "Metadata", 12, {}, { topics: [{ errorCode: 3, partitions: [{ errorCode: 3 }, { errorCode: 0 }] }], records: new Uint8Array([1]) }, 0.001);
  observer.requestHandled(3, "Metadata", 12, {}, undefined, 0.001);
  const s = parseMetrics(renderMetrics(m, null, new CleanupProgress()));
  expect(sample(s, "tansu_request_errors_total", { error: "NOT_LEADER_OR_FOLLOWER" })).toBe(1);
  expect(sample(s, "tansu_request_errors_total", { error: "UNKNOWN_TOPIC_OR_PARTITION", code: "3" })).toBe(2);
  expect(sample(s, "tansu_request_errors_total", { error: "UNKNOWN_SERVER_ERROR", code: "-1" })).toBe(1);
  expect(sample(s, "tansu_requests_total", { api: "Produce", api_key: "0", version: "9" })).toBe(2);
  expect(sample(s, "tansu_request_duration_seconds_bucket", { api: "Produce", le: "0.001" })).toBe(1);
  expect(sample(s, "tansu_request_duration_seconds_bucket", { api: "Produce", le: "0.0025" })).toBe(2);
  expect(sample(s, "tansu_request_duration_seconds_count", { api: "Metadata" })).toBe(2);
});

test("Fetch counts the records and bytes it returns", () => {
  const m = new BrokerMetrics();
  const records = new Uint8Array([...batch(2), ...batch(3)]);
  metricsObserver(m).requestHandled(1, "Fetch", 12, {}, { responses: [{ topic: "t", partitions: [{ errorCode: 0, records }, { errorCode: 0, records: null }] }] }, 0.01);
  expect([m.fetchedRecords, m.fetchedBytes]).toEqual([5, records.byteLength]);
});

test("histogram buckets are inclusive upper bounds; rendering is cumulative", () => {
  const h = new Histogram();
  for (const v of [0.0005, 0.0006, 20]) h.observe(v);
  expect([h.counts[0], h.counts[1], h.counts[h.counts.length - 1], h.count]).toEqual([1, 1, 1, 3]);
  const m = new BrokerMetrics();
  m.storageLatency.set("append", h);
  const s = parseMetrics(renderMetrics(m, { byState: new Map([["Stable", 2]]), members: 5 }, new CleanupProgress()));
  expect(sample(s, "tansu_storage_duration_seconds_bucket", { operation: "append", le: "0.001" })).toBe(2);
  expect(sample(s, "tansu_storage_duration_seconds_bucket", { operation: "append", le: "+Inf" })).toBe(3);
  expect([sample(s, "tansu_groups", { state: "Stable" }), sample(s, "tansu_group_members")]).toEqual([2, 5]);
});

test("the instrumented engine times storage calls by method, but not waits", async () => {
  const m = new BrokerMetrics();
  const inner = openMemoryEngine();
  const engine = instrumentEngine(inner, m);
  expect(engine.description).toBe(inner.description);
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  expect(created.errorCode).toBe(0);
  expect((await engine.getTopic("t"))?.name).toBe("t");
  await engine.waitForAppend([{ topic: "t", partition: 0 }], 1);
  expect([...m.storageLatency.keys()].sort()).toEqual(["createTopic", "getTopic"]);
  expect(m.storageLatency.get("getTopic")?.count).toBe(1);
  await expect(engine.getGroup("g")).resolves.toBeNull();
  await engine.close();
});
