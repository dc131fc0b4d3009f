// `tansu perf produce|consume` against a real broker process on memory storage: the JSON summaries
// are sane, the records really are in the topic, idempotent producers leave their sequences.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EARLIEST_TIMESTAMP, fetchRecords, KafkaClient, LATEST_TIMESTAMP, listOffsets, topicPartitions } from "../../src/client/index.ts";
import type { ConsumeSummary, ProduceSummary } from "../../src/commands/perf-report.ts";
import { DescribeProducersApi } from "../../src/protocol/generated/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type Run, tansu } from "./run.ts";

let broker: TestBroker;
let client: KafkaClient;
beforeAll(async () => {
  broker = await startBroker();
  client = await KafkaClient.connect(broker.bootstrap);
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

function cli(args: readonly string[]): Promise<Run> {
  return tansu(args, { env: { BOOTSTRAP_SERVERS: broker.bootstrap } });
}

/** The one JSON line a run printed, after checking it exited 0 with nothing on stderr (not a terminal: no progress lines). */
function summary<T>(run: Run): T {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const lines = run.stdout.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

function expectSaneProduce(s: ProduceSummary, records: number, recordSize: number): void {
  expect(s.records).toBe(records);
  expect(s.bytes).toBe(records * recordSize);
  expect(s.elapsedMs).toBeGreaterThan(0);
  expect(s.recordsPerSec).toBeGreaterThan(0);
  expect(s.mbPerSec).toBeGreaterThan(0);
  const l = s.latencyMs;
  expect(l.p50).toBeGreaterThan(0);
  expect([l.p50, l.p95, l.p99, l.p999, l.max]).toEqual([l.p50, l.p95, l.p99, l.p999, l.max].sort((a, b) => a - b));
  expect(l.avg).toBeLessThanOrEqual(l.max);
  // no record waited longer than the whole run
  expect(l.max).toBeLessThanOrEqual(s.elapsedMs);
}

async function create(topic: string, partitions: number): Promise<void> {
  expect((await cli(["topic", "create", topic, "--partitions", String(partitions)])).code).toBe(0);
}

/** Records per partition, from the offsets. */
async function counts(topic: string): Promise<number[]> {
  const { partitions } = await topicPartitions(client, topic);
  const [earliest, latest] = await Promise.all([listOffsets(client, topic, partitions, EARLIEST_TIMESTAMP), listOffsets(client, topic, partitions, LATEST_TIMESTAMP)]);
  return partitions.map((p) => Number((latest.get(p.partition) ?? 0n) - (earliest.get(p.partition) ?? 0n)));
}

describe("tansu perf", () => {
  test("produce 2000 records, then consume them: sane summaries, and the records are in the topic", async () => {
    await create("perf-1", 3);
    const produced = summary<ProduceSummary>(await cli(["perf", "produce", "--topic", "perf-1", "--num-records", "2000", "--record-size", "100", "--json"]));
    expectSaneProduce(produced, 2000, 100);
    // round-robin over the three partitions
    expect(await counts("perf-1")).toEqual([667, 667, 666]);

    const { partitions } = await topicPartitions(client, "perf-1");
    const fetched = await fetchRecords(client, "perf-1", partitions.map((p) => ({ ...p, offset: 0n })), { maxWaitMs: 0 });
    expect(fetched.records.length).toBeGreaterThan(0);
    for (const r of fetched.records) {
      expect(r.key).toBeNull();
      expect(new TextDecoder().decode(r.value ?? new Uint8Array())).toMatch(/^[A-Z]{100}$/);
    }

    const consumed = summary<ConsumeSummary>(await cli(["perf", "consume", "--topic", "perf-1", "--json"]));
    expect(consumed).toMatchObject({ records: 2000, bytes: 200_000 });
    expect(consumed.fetches).toBeGreaterThanOrEqual(1);
    expect(consumed.recordsPerSec).toBeGreaterThan(0);
    expect(consumed.mbPerSec).toBeGreaterThan(0);

    const some = summary<ConsumeSummary>(await cli(["perf", "consume", "--topic", "perf-1", "--num-records", "1500", "--consumers", "3", "--fetch-max-bytes", "4096", "--json"]));
    expect(some).toMatchObject({ records: 1500, bytes: 150_000 });
    expect(some.fetches).toBeGreaterThanOrEqual(3);
  }, 60_000);

  test("paced, idempotent, compressed producers over the first partitions", async () => {
    await create("perf-2", 4);
    const args = ["--topic", "perf-2", "--num-records", "400", "--record-size", "50", "--throughput", "2000", "--idempotent", "--compression", "gzip", "--partitions", "2", "--producers", "2", "--batch-size", "2000", "--json"];
    const produced = summary<ProduceSummary>(await cli(["perf", "produce", ...args]));
    expectSaneProduce(produced, 400, 50);
    // 400 records at 2000/s: the last goes about 200 ms after the first
    expect(produced.elapsedMs).toBeGreaterThanOrEqual(190);
    expect(await counts("perf-2")).toEqual([200, 200, 0, 0]);

    // each producer sent 100 records to each partition: sequences 0..99 under its own producer id
    const described = await client.request(DescribeProducersApi, () => ({ topics: [{ name: "perf-2", partitionIndexes: [0, 1] }] }));
    for (const p of described.topics[0]!.partitions) {
      expect(p.errorCode).toBe(0);
      expect(p.activeProducers.map((a) => a.lastSequence)).toEqual([99, 99]);
      expect(new Set(p.activeProducers.map((a) => a.producerId)).size).toBe(2);
    }
  }, 60_000);

  test("acks=0 for a duration: every record counted is stored", async () => {
    await create("perf-3", 2);
    const produced = summary<ProduceSummary>(await cli(["perf", "produce", "--topic", "perf-3", "--acks", "0", "--duration-ms", "300", "--throughput", "1000", "--compression", "lz4", "--json"]));
    expect(produced.records).toBeGreaterThan(100);
    expect(produced.records).toBeLessThanOrEqual(301);
    expectSaneProduce(produced, produced.records, 100);
    const stored = await counts("perf-3");
    expect(stored.reduce((a, b) => a + b, 0)).toBe(produced.records);
  }, 60_000);

  test("a human summary line without --json", async () => {
    await create("perf-4", 1);
    const produced = await cli(["perf", "produce", "--topic", "perf-4", "--num-records", "10", "--linger-ms", "0"]);
    expect(produced.stdout).toMatch(/^10 records sent in \d+\.\d\d s, [\d.]+ records\/s \([\d.]+ MB\/s\); latency ms: avg [\d.]+, p50 [\d.]+, p95 [\d.]+, p99 [\d.]+, p99\.9 [\d.]+, max [\d.]+\n$/);
    const consumed = await cli(["perf", "consume", "--topic", "perf-4"]);
    expect(consumed.stdout).toMatch(/^10 records consumed in \d+\.\d\d s, [\d.]+ records\/s \([\d.]+ MB\/s\), \d+ fetch(es)?\n$/);
  }, 60_000);

  test("a missing topic is one clear line and exit 1; bad flags one line and exit 2", async () => {
    for (const sub of ["produce", "consume"]) {
      const missing = await cli(["perf", sub, "--topic", "perf-none", "--num-records", "1"]);
      expect([missing.stderr, missing.stdout, missing.code]).toEqual(["tansu: topic perf-none does not exist (create it with: tansu topic create perf-none)\n", "", 1]);
    }
    const bad = await cli(["perf", "produce", "--topic", "perf-1", "--compression", "brotli"]);
    expect([bad.stderr, bad.stdout, bad.code]).toEqual(['tansu: --compression: expected none, gzip, snappy, lz4, zstd, got "brotli"\n', "", 2]);
    const tooMany = await cli(["perf", "consume", "--topic", "perf-4", "--consumers", "2"]);
    expect([tooMany.stderr, tooMany.code]).toEqual(["tansu: --consumers 2: topic perf-4 has only 1 partition\n", 1]);
  }, 60_000);

  test("a batch the broker refuses ends the run with its error: one line and exit 1", async () => {
    await create("perf-6", 1);
    const refused = await cli(["perf", "produce", "--topic", "perf-6", "--num-records", "1", "--record-size", "2000000"]);
    expect(refused.stderr).toMatch(/^tansu: Produce perf-6-0: MESSAGE_TOO_LARGE(: [^\n]*)?\n$/);
    expect([refused.stdout, refused.code]).toEqual(["", 1]);
    const unanswered = await cli(["perf", "produce", "--topic", "perf-6", "--num-records", "1", "--record-size", "2000000", "--acks", "0"]);
    expect(unanswered.stderr).toMatch(/^tansu: connection to [^\n]+ closed \(with acks=0 a broker closes the connection when it refuses a batch\)\n$/);
    expect(unanswered.code).toBe(1);
  }, 60_000);

  test("a consumer that waits too long for the records it needs reports what it has, and exits 1", async () => {
    await create("perf-5", 1);
    await cli(["perf", "produce", "--topic", "perf-5", "--num-records", "5"]);
    const run = await cli(["perf", "consume", "--topic", "perf-5", "--num-records", "10", "--timeout-ms", "700", "--json"]);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 5, bytes: 500 });
    expect([run.stderr, run.code]).toEqual(["tansu: perf consume: no record for 700 ms; stopped after 5 of 10\n", 1]);
  }, 60_000);
});
