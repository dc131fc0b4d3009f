// Exactly once into the lake while brokers die: two brokers over one SQLite store export the same
// topic into all three formats every 20 ms; one is SIGKILLed and restarted over and over (kills
// land between a data file and its commit, and between a claim and its file), the other takes a
// kill too. Afterwards each table holds every produced record exactly once.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { deltaRows, icebergRows, type LakeRow, parquetRows, waitForRows } from "./lake-support.ts";

const dir = mkdtempSync(join(tmpdir(), "lake-kill-"));
const lake = join(dir, "lake");
const args = ["--storage-engine", `sqlite://${join(dir, "shared.db")}`, "--lake-url", pathToFileURL(lake).href, "--lake-check-interval-ms", "20"];
const started: TestBroker[] = [];
const start = async () => {
  const b = await startBroker(args);
  started.push(b);
  return b;
};
afterAll(async () => {
  for (const b of started) if (b.running()) await b.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const RECORDS = 1500;

test("two brokers exporting one topic, killed again and again, leave every record exactly once in each table", async () => {
  const steady = await start();
  const kafka = new Kafka({ clientId: "lake-kill", brokers: [steady.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "events", numPartitions: 2, configEntries: [{ name: "tansu.lake.format", value: "parquet,iceberg,delta" }, { name: "tansu.lake.flush.ms", value: "30" }] }] });
  await admin.disconnect();

  let victim = await start();
  let kills = 0;
  let producing = true;
  const killer = (async () => {
    while (producing || kills < 6) {
      await Bun.sleep(60 + Math.random() * 120);
      await victim.kill("SIGKILL");
      kills++;
      victim = await start();
    }
  })();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < RECORDS; i += 50) {
    await producer.send({ topic: "events", messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${(i + j) % 11}`, value: `v${i + j}` })) });
    await Bun.sleep(15);
  }
  await producer.disconnect();
  producing = false;
  await killer;
  await steady.kill("SIGKILL");
  await start();

  // DuckDB gives a BLOB as its text, icebird as bytes
  const text = (r: LakeRow) => (typeof r.value === "string" ? r.value : new TextDecoder().decode(r.value as Uint8Array));
  for (const read of [() => parquetRows(lake, "events", "value"), () => icebergRows(lake, "events"), () => deltaRows(lake, "events", "value")]) {
    const rows = await waitForRows(read, RECORDS, 60_000);
    expect(rows).toHaveLength(RECORDS);
    expect(new Set(rows.map((r) => `${r.partition}:${r.offset}`)).size).toBe(RECORDS);
    for (const partition of [0, 1]) {
      const mine = rows.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => i));
    }
    expect(new Set(rows.map(text))).toEqual(new Set(Array.from({ length: RECORDS }, (_, i) => `v${i}`)));
  }
  expect(kills).toBeGreaterThanOrEqual(6);
}, 180_000);
