// Topics of every schema format as open tables, read back by outside readers: kafkajs produces
// JSON Schema, Protobuf and Avro records (and records of a topic without a schema); DuckDB reads
// the Parquet files of each table (plain, the Delta log's live files, the Iceberg manifests' data
// files) and icebird reads the Iceberg tables. Every row, every value and every column type is
// checked, and so are the Iceberg and Delta schemas. First a lake directory; then a lake in the
// project's test S3 server written by two brokers, one on memory:// and one on sqlite.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { Kafka, logLevel, type Message } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type S3Server, startS3Server } from "../support/s3-server/index.ts";
import { expectTables, type Format, type LakeView } from "./lake-check.ts";
import { avroExpected, jsonExpected, protobufExpected, rawExpected } from "./lake-formats-expected.ts";
import { avroTopic, jsonTopic, type LakeTopic, protobufTopic, rawTopic } from "./lake-formats-fixtures.ts";
import { downloadObjects, overLoopbackS3, s3Client } from "./lake-s3-support.ts";
import { icebergTable } from "./lake-support.ts";

async function createTopics(bootstrap: string, topics: { topic: string; partitions: number; formats: readonly Format[] }[]): Promise<void> {
  const admin = new Kafka({ clientId: "lake-formats", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const configs = (formats: readonly Format[]) => [{ name: "tansu.lake.format", value: formats.join(",") }, { name: "tansu.lake.flush.ms", value: "200" }];
  expect(await admin.createTopics({ topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, configEntries: configs(t.formats) })) })).toBe(true);
  await admin.disconnect();
}

async function produce(bootstrap: string, topic: string, messages: Message[]): Promise<void> {
  const producer = new Kafka({ clientId: "lake-formats", brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

const broker = (storage: string, lake: string, schemas: string, env: Record<string, string> = {}) =>
  startBroker(["--storage-engine", storage, "--lake-url", lake, "--lake-check-interval-ms", "100", "--schema-registry", pathToFileURL(schemas).href], env);

function schemaDir(parent: string, topics: Record<string, LakeTopic>): string {
  const dir = join(parent, "schemas");
  mkdirSync(dir);
  for (const t of Object.values(topics)) if (t.file !== "") writeFileSync(join(dir, t.file), t.schema);
  return dir;
}

const ALL: readonly Format[] = ["parquet", "iceberg", "delta"];

describe("JSON Schema and Protobuf topics in a lake directory", () => {
  const topics = { events: jsonTopic("events"), parcels: protobufTopic("parcels") };
  let dir: string;
  let view: LakeView;
  let tansu: TestBroker;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lake-formats-"));
    view = {
      root: join(dir, "lake"),
      refresh: async () => {},
      iceberg: (topic) => icebergTable(pathToFileURL(join(dir, "lake", "iceberg", topic)).href),
      localPath: fileURLToPath,
    };
    tansu = await broker("memory://", pathToFileURL(view.root).href, schemaDir(dir, topics));
    await createTopics(tansu.bootstrap, Object.keys(topics).map((topic) => ({ topic, partitions: 2, formats: ALL })));
  });
  afterAll(async () => {
    expect(await tansu.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a JSON Schema topic: nested object, array, map, nullable property and date-time in Parquet, Iceberg and Delta", async () => {
    await produce(tansu.bootstrap, "events", topics.events.messages);
    await expectTables(view, "events", ALL, jsonExpected);
  }, 30_000);

  test("a Protobuf topic: nested messages, repeated, map, optional and Timestamp in Parquet, Iceberg and Delta", async () => {
    await produce(tansu.bootstrap, "parcels", topics.parcels.messages);
    await expectTables(view, "parcels", ALL, protobufExpected);
  }, 30_000);
});

describe("a lake in S3 written by a memory:// broker and a sqlite broker", () => {
  /** Topic name prefixes of brokers[0] (memory://) and brokers[1] (sqlite). */
  const engines = ["mem", "sql"] as const;
  const topics = Object.fromEntries(engines.flatMap((name) => [[`${name}-orders`, avroTopic(`${name}-orders`)], [`${name}-raw`, rawTopic()]]));
  let dir: string;
  let s3: S3Server;
  let client: S3Client;
  let brokers: TestBroker[] = [];
  let view: LakeView;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lake-formats-s3-"));
    const copy = join(dir, "copy");
    s3 = startS3Server({ buckets: ["tansu"] });
    client = s3Client(s3.endpoint);
    view = {
      root: join(copy, "lake"),
      refresh: async () => {
        await downloadObjects(client, "tansu", "lake/", copy);
      },
      iceberg: (topic) => overLoopbackS3(s3.endpoint, () => icebergTable(`s3://tansu/lake/iceberg/${topic}`)),
      localPath: (url) => join(copy, new URL(url).pathname),
    };
    const env = { AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "lake", AWS_SECRET_ACCESS_KEY: "secret" };
    const schemas = schemaDir(dir, topics);
    brokers = await Promise.all(["memory://", `sqlite://${join(dir, "tansu.db")}`].map((storage) => broker(storage, "s3://tansu/lake", schemas, env)));
  });
  afterAll(async () => {
    for (const b of brokers) expect(await b.stop()).toBe(0);
    client.destroy();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an Avro topic lands in Iceberg and Delta, a topic without a schema in Parquet, from both storage engines", async () => {
    for (const [i, name] of engines.entries()) {
      const bootstrap = brokers[i]!.bootstrap;
      await createTopics(bootstrap, [{ topic: `${name}-orders`, partitions: 1, formats: ["iceberg", "delta"] }, { topic: `${name}-raw`, partitions: 1, formats: ["parquet"] }]);
      await produce(bootstrap, `${name}-orders`, topics[`${name}-orders`]!.messages);
      await produce(bootstrap, `${name}-raw`, topics[`${name}-raw`]!.messages);
    }
    for (const name of engines) {
      await expectTables(view, `${name}-orders`, ["iceberg", "delta"], avroExpected);
      await expectTables(view, `${name}-raw`, ["parquet"], rawExpected);
    }
    // each topic has the tables its tansu.lake.format names, and no others
    const tables = new Set(s3.keys("tansu", "lake/").map((k) => k.split("/").slice(1, 3).join("/")));
    expect([...tables].sort()).toEqual(["delta/mem-orders", "delta/sql-orders", "iceberg/mem-orders", "iceberg/sql-orders", "parquet/mem-raw", "parquet/sql-raw"]);
  }, 30_000);
});
