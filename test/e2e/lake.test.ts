// Topics as open tables, end to end: kafkajs produces Avro records to a topic whose
// tansu.lake.format names all three formats, and outside readers (DuckDB, icebird) find every
// record exactly once in each table; a schema change adds a column; a sink topic's log empties
// once its table holds the records.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import avro from "avsc";
import { Kafka, logLevel } from "kafkajs";
import { connect, fetchRecords, topicPartitions } from "../../src/client/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { deltaRows, icebergRows, type LakeRow, parquetRows, waitForRows } from "./lake-support.ts";

const dir = mkdtempSync(join(tmpdir(), "lake-e2e-"));
const lake = join(dir, "lake");
const schemas = join(dir, "schemas");
const order = (extra: object[] = []) => ({
  type: "record",
  name: "Order",
  fields: [{ name: "id", type: "long" }, { name: "item", type: "string" }, { name: "quantity", type: "int" }, ...extra],
});
const note = { name: "note", type: ["null", "string"], default: null };
const schemaFile = (value: object) => JSON.stringify({ type: "record", name: "Orders", fields: [{ name: "value", type: value }] });

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  mkdirSync(schemas);
  writeFileSync(join(schemas, "orders.avsc"), schemaFile(order()));
  writeFileSync(join(schemas, "sink.avsc"), schemaFile(order()));
  writeFileSync(join(schemas, "strict.avsc"), schemaFile(order()));
  broker = await startBroker([
    "--lake-url", pathToFileURL(lake).href,
    "--lake-check-interval-ms", "100",
    "--schema-registry", pathToFileURL(schemas).href,
    "--schema-registry-check-interval-ms", "100",
  ], {}, { admin: true });
  kafka = new Kafka({ clientId: "lake", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const lakeConfigs = (formats: string, sink = false) => [
    { name: "tansu.lake.format", value: formats },
    { name: "tansu.lake.flush.ms", value: "300" },
    ...(sink ? [{ name: "tansu.lake.sink", value: "true" }] : []),
  ];
  await admin.createTopics({
    topics: [
      { topic: "orders", numPartitions: 2, configEntries: lakeConfigs("parquet,iceberg,delta") },
      { topic: "sink", numPartitions: 1, configEntries: lakeConfigs("iceberg", true) },
      { topic: "strict", numPartitions: 1, configEntries: [{ name: "tansu.lake.format", value: "delta" }, { name: "tansu.lake.flush.rows", value: "10" }] },
    ],
  });
  await admin.disconnect();
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function produce(topic: string, schema: object, values: object[]): Promise<void> {
  const type = avro.Type.forSchema(schema as avro.Schema);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((v, i) => ({ key: `k${i % 7}`, value: type.toBuffer(v) })) });
  await producer.disconnect();
}

const offsets = (rows: LakeRow[]) => rows.map((r) => `${r.partition}:${r.offset}`);

test("every record of an Avro topic lands exactly once in its Parquet files, its Iceberg table and its Delta table", async () => {
  const values = Array.from({ length: 120 }, (_, i) => ({ id: i, item: `item-${i}`, quantity: i % 5 }));
  await produce("orders", order(), values);
  const readers = [
    () => parquetRows(lake, "orders", "id, item, quantity"),
    () => icebergRows(lake, "orders"),
    () => deltaRows(lake, "orders", "id, item, quantity"),
  ];
  for (const read of readers) {
    const rows = await waitForRows(read, values.length);
    expect(rows).toHaveLength(values.length);
    expect(new Set(offsets(rows)).size).toBe(values.length);
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(values.map((v) => v.id));
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    expect(byId.get(42)).toMatchObject({ item: "item-42", quantity: 2 });
  }
}, 60_000);

test("a new optional field in the topic's schema becomes a new column; earlier rows read it as null", async () => {
  writeFileSync(join(schemas, "orders.avsc"), schemaFile(order([note])));
  await Bun.sleep(300);
  await produce("orders", order([note]), [{ id: 1000, item: "tea", quantity: 1, note: "hot" }]);
  for (const read of [() => icebergRows(lake, "orders"), () => deltaRows(lake, "orders", "id, note"), () => parquetRows(lake, "orders", "id, note")]) {
    const rows = await waitForRows(read, 121);
    expect(rows).toHaveLength(121);
    expect(rows.find((r) => Number(r.id) === 1000)?.note).toBe("hot");
    expect(rows.find((r) => Number(r.id) === 0)?.note ?? null).toBeNull();
  }
}, 60_000);

test("a sink topic answers a produce once its table holds the records, which then leave its log; Fetch refuses it", async () => {
  await produce("sink", order(), Array.from({ length: 30 }, (_, i) => ({ id: i, item: "x", quantity: 1 })));
  expect(offsets(await icebergRows(lake, "sink"))).toEqual(Array.from({ length: 30 }, (_, i) => `0:${i}`));
  const client = await connect(broker.bootstrap);
  const { leader } = (await topicPartitions(client, "sink")).partitions[0]!;
  await expect(fetchRecords(client, "sink", [{ partition: 0, leader, offset: 0n }], { maxWaitMs: 0 })).rejects.toThrow(/POLICY_VIOLATION/);
  await client.close();
  const admin = kafka.admin();
  await admin.connect();
  const until = Date.now() + 10_000;
  let low = "0";
  while (Date.now() < until) {
    low = (await admin.fetchTopicOffsets("sink"))[0]!.low;
    if (low === "30") break;
    await Bun.sleep(100);
  }
  await admin.disconnect();
  expect(low).toBe("30");
}, 60_000);

interface LakeView {
  format: string;
  error: string | null;
  exportedRows: number;
  partitions: { partition: number; tableOffset: number; offsetsBehind: number; secondsBehind: number }[];
}

const topicView = async (name: string) => (await (await fetch(`${broker.adminUrl}/api/topics/${name}`)).json()) as { lake: LakeView[] };

test("the admin port shows each table's bookmark and lag, and /metrics the lag per partition", async () => {
  const view = await topicView("orders");
  expect(view.lake.map((t) => t.format).sort()).toEqual(["delta", "iceberg", "parquet"]);
  for (const t of view.lake) {
    expect(t.error).toBeNull();
    expect(t.partitions.map((p) => p.offsetsBehind)).toEqual([0, 0]);
    expect(t.partitions.reduce((n, p) => n + p.tableOffset + 1, 0)).toBe(121);
  }
  const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  expect(metrics).toContain('tansu_lake_offsets_behind{topic="orders",format="iceberg",partition="0"} 0');
  expect(metrics).toMatch(/tansu_lake_exported_rows_total\{topic="orders",format="delta"\} \d+/);
});

test("records that no longer decode after an incompatible schema change stop the export with the offset named", async () => {
  await produce("strict", order(), Array.from({ length: 5 }, (_, i) => ({ id: i, item: "a", quantity: 1 })));
  const changed = { type: "record", name: "Order", fields: [{ name: "id", type: "string" }] };
  writeFileSync(join(schemas, "strict.avsc"), schemaFile(changed));
  await Bun.sleep(300);
  await produce("strict", changed, Array.from({ length: 5 }, (_, i) => ({ id: `x${i}` })));
  const until = Date.now() + 10_000;
  let error: string | null = null;
  while (error === null && Date.now() < until) {
    await Bun.sleep(100);
    error = (await topicView("strict")).lake[0]?.error ?? null;
  }
  expect(error).toContain("partition 0 offset 0 does not fit the topic's schema");
  expect(await deltaRows(lake, "strict", "id")).toEqual([]);
  const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  expect(metrics).toContain('tansu_lake_export_stopped{topic="strict",format="delta"} 1');
});
