// A sink topic's produce does not wait for the periodic check: with the check an hour apart, a
// produce is still answered once flush.rows records wait (and the table holds them), or flush.ms
// after it began to wait.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { duckdbTable, parquetFiles, parquetRows } from "./lake-support.ts";

const dir = mkdtempSync(join(tmpdir(), "lake-sink-cue-"));
const lake = join(dir, "lake");
let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker(["--lake-url", pathToFileURL(lake).href, "--lake-check-interval-ms", "3600000"]);
  kafka = new Kafka({ clientId: "sink-cue", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const sink = (configs: Record<string, string>) => Object.entries({ "tansu.lake.format": "parquet", "tansu.lake.sink": "true", ...configs }).map(([name, value]) => ({ name, value }));
  await admin.createTopics({
    topics: [
      { topic: "by-rows", numPartitions: 1, configEntries: sink({ "tansu.lake.flush.rows": "10", "tansu.lake.flush.ms": "3600000" }) },
      { topic: "by-time", numPartitions: 1, configEntries: sink({ "tansu.lake.flush.ms": "200" }) },
      { topic: "rest", numPartitions: 1, configEntries: sink({ "tansu.lake.flush.rows": "10", "tansu.lake.flush.ms": "1000" }) },
    ],
  });
  await admin.disconnect();
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function produce(topic: string, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, timeout: 60_000, messages: Array.from({ length: count }, (_, i) => ({ value: `v${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

test("flush.rows records waiting answer the produce without a check", async () => {
  await produce("by-rows", 10);
  expect((await parquetRows(lake, "by-rows", "value")).length).toBe(10);
});

test("flush.ms after a produce began to wait answers it without a check", async () => {
  await produce("by-time", 3);
  expect((await parquetRows(lake, "by-time", "value")).length).toBe(3);
});

test("rows due by flush.rows go in whole multiples of it; the rest waits for flush.ms", async () => {
  await produce("rest", 25);
  const sizes = await Promise.all(parquetFiles(lake, "rest").map(async (path) => (await duckdbTable([path])).rows.length));
  expect(sizes.sort((a, b) => a - b)).toEqual([5, 20]);
  expect((await parquetRows(lake, "rest", "value")).map((r) => r.offset)).toEqual(Array.from({ length: 25 }, (_, i) => i));
});
