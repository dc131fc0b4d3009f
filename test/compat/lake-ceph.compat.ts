// Topics as open tables in a Ceph radosgw bucket (scripts/ceph-rgw-up.sh, ~15 s): kcat and
// confluent-kafka produce Avro records to a topic exported as plain Parquet, Iceberg and Delta; the
// lake's objects are copied out of radosgw and read by DuckDB and icebird, which find every record
// once with its values. Table commits are objects created only if absent (PUT If-None-Match: *):
// radosgw lets exactly one of several concurrent creates win and answers the rest 412, and two
// brokers exporting one topic into the same tables leave every record in each table once.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import avro from "avsc";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { cephAvailable, startCeph, type Ceph } from "../support/ceph.ts";
import { deltaRows, type LakeRow, parquetRows } from "../e2e/lake-support.ts";
import { copyObjects, icebergRowsInCopy } from "./support/lake-copy.ts";
import { type BinaryRecord, confluentCreateTopic, confluentProduce, kcatProduceFile } from "./support/lake-producers.ts";
import { held, tableViews, waitForTables } from "./support/lake-admin.ts";
import { refusedPuts, rgwLogFile } from "./support/rgw-log.ts";
import { openLakeStore } from "../../src/lake/open-store.ts";

if (!cephAvailable()) throw new Error("radosgw is not installed: apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime");

const BUCKET = "tansu-lake";
const dir = mkdtempSync(join(tmpdir(), "tansu-lake-ceph-"));
const schemas = join(dir, "schemas");
let ceph: Ceph;
const brokers: TestBroker[] = [];

const ORDER = {
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "long" },
    { name: "item", type: "string" },
    { name: "quantity", type: "int" },
    { name: "price", type: "double" },
    { name: "note", type: ["null", "string"], default: null },
  ],
};
const keyType = avro.Type.forSchema("string");
const valueType = avro.Type.forSchema(ORDER as avro.Schema);
const order = (id: number) => ({ id, item: `item ${id}\n\u00e9`, quantity: id % 7, price: id * 1.25, note: id % 3 === 0 ? null : `note ${id}` });
const customer = (id: number) => `customer-${id % 5}`;
const encode = (id: number): BinaryRecord => ({ key: keyType.toBuffer(customer(id)), value: valueType.toBuffer(order(id)) });
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

beforeAll(async () => {
  mkdirSync(schemas);
  for (const topic of ["orders", "shared"]) writeFileSync(join(schemas, `${topic}.avsc`), JSON.stringify({ type: "record", name: "Orders", fields: [{ name: "key", type: "string" }, { name: "value", type: ORDER }] }));
  ceph = await startCeph([BUCKET]);
  brokers.push(await startLakeBroker());
}, 120_000);
afterAll(async () => {
  for (const b of brokers) await b.stop();
  await ceph?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The AWS_* settings the broker's S3 client takes, pointed at radosgw. */
const lakeEnv = () => ({ AWS_ENDPOINT: ceph.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: ceph.accessKeyId, AWS_SECRET_ACCESS_KEY: ceph.secretAccessKey });

async function startLakeBroker(): Promise<TestBroker> {
  const args = ["--storage-engine", `sqlite://${join(dir, "store.db")}`, "--lake-url", `s3://${BUCKET}/lake`, "--lake-check-interval-ms", "20", "--schema-registry", pathToFileURL(schemas).href];
  return startBroker(args, lakeEnv(), { admin: true });
}

const lakeConfigs = (flushMs: number) => ({ "tansu.lake.format": "parquet,iceberg,delta", "tansu.lake.flush.ms": String(flushMs) });
const FORMATS = ["parquet", "iceberg", "delta"];

/** Waits until the broker's admin port shows the topic's three tables holding `count` records each. */
async function expectTablesHold(broker: TestBroker, topic: string, count: number): Promise<void> {
  const views = await waitForTables(broker, topic, count);
  expect(views.map((t) => ({ format: t.format, error: t.error, held: held(t) }))).toEqual(FORMATS.map((format) => ({ format, error: null, held: count })));
}

const asOrder = (r: LakeRow) => ({ key: r.key, id: Number(r.id), item: r.item, quantity: Number(r.quantity), price: Number(r.price), note: r.note ?? null });

/** Copies the lake out of radosgw; each table must hold each of `ids` once, at offsets 0… of its partition. */
async function expectEachRecordOnce(topic: string, ids: readonly number[]): Promise<void> {
  const copy = join(dir, `copy-${topic}`);
  await copyObjects(ceph, BUCKET, "lake/", copy);
  const lake = join(copy, "lake");
  const columns = "__kafka.key AS key, id, item, quantity, price, note";
  const tables = { parquet: await parquetRows(lake, topic, columns), iceberg: await icebergRowsInCopy(copy, BUCKET, lake, topic), delta: await deltaRows(lake, topic, columns) };
  const expected = [...ids].sort((a, b) => a - b).map((id) => ({ key: customer(id), ...order(id) }));
  for (const [format, rows] of Object.entries(tables)) {
    const offsets = [0, 1].map((p) => rows.filter((r) => r.partition === p).map((r) => r.offset));
    expect({ format, offsets }).toEqual({ format, offsets: offsets.map((o) => range(0, o.length)) });
    expect({ format, records: rows.map(asOrder).sort((a, b) => a.id - b.id) }).toEqual({ format, records: expected });
  }
}

test("Avro records from kcat and confluent-kafka land once each, values intact, in Parquet files, an Iceberg and a Delta table on radosgw", async () => {
  const [broker] = brokers as [TestBroker];
  await confluentCreateTopic(broker.bootstrap, "orders", 2, lakeConfigs(200));
  const viaKcat = range(0, 40);
  const viaPython = range(1000, 40);
  await kcatProduceFile(broker.bootstrap, "orders", viaKcat.map(encode), join(dir, "orders.bin"));
  await confluentProduce(broker.bootstrap, "orders", viaPython.map(encode));
  await expectTablesHold(broker, "orders", 80);
  await expectEachRecordOnce("orders", [...viaKcat, ...viaPython]);
}, 60_000);

test("of eight concurrent creates of one commit object through the lake's store, radosgw lets one win and answers the others 412", async () => {
  const store = await openLakeStore(new URL(`s3://${BUCKET}/creates`), lakeEnv());
  const versions = 5;
  for (let version = 0; version < versions; version++) {
    const path = `delta/t/_delta_log/${String(version).padStart(20, "0")}.json`;
    const bodies = range(0, 8).map((writer) => new TextEncoder().encode(`{"writer":${writer}}\n`));
    const answers = await Promise.all(bodies.map((body) => store.putIfAbsent(path, body)));
    expect(answers.filter((a) => a === "created")).toHaveLength(1);
    expect(await store.get(path)).toEqual(bodies[answers.indexOf("created")]!);
  }
  // radosgw logs a request once it has answered it, from another thread: give the lines a moment
  const log = rgwLogFile(ceph.endpoint);
  const refused = () => refusedPuts(log, BUCKET).filter((key) => key.startsWith("creates/"));
  for (const until = Date.now() + 5_000; refused().length < versions * 7 && Date.now() < until; ) await Bun.sleep(50);
  expect(refused()).toHaveLength(versions * 7);
});

test("two brokers on one store and lake both commit to the same three tables, and each record lands in each table once", async () => {
  brokers.push(await startLakeBroker());
  const [a, b] = brokers as [TestBroker, TestBroker];
  await confluentCreateTopic(a.bootstrap, "shared", 2, lakeConfigs(10));
  const committers = async () => Promise.all([a, b].map(async (broker) => (await tableViews(broker, "shared")).filter((t) => t.commits > 0).map((t) => t.format)));
  const ids: number[] = [];
  // rounds until each broker has committed to every table: both export, whichever is first
  for (let round = 0; round < 20 && (await committers()).some((formats) => formats.length < 3); round++) {
    const viaKcat = range(round * 20, 10);
    const viaPython = range(round * 20 + 10, 10);
    await Promise.all([kcatProduceFile(a.bootstrap, "shared", viaKcat.map(encode), join(dir, `shared-${round}.bin`)), confluentProduce(b.bootstrap, "shared", viaPython.map(encode))]);
    ids.push(...viaKcat, ...viaPython);
    await Bun.sleep(200);
  }
  await expectTablesHold(a, "shared", ids.length);
  await expectTablesHold(b, "shared", ids.length);
  expect(await committers()).toEqual([FORMATS, FORMATS]);
  await expectEachRecordOnce("shared", ids);
}, 60_000);
