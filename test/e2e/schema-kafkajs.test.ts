// Broker-side schema validation end to end: a broker process with a file:// schema registry (checked
// every 50 ms), kafkajs 2.2.4 producing, the project's client reading back byte for byte.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { fetchRecords, KafkaClient, topicPartitions } from "../../src/client/index.ts";
import { IncrementalAlterConfigsApi } from "../../src/protocol/generated/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type EncodedRecord, SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";

const CHECK_MS = 50;
let dir: string;
let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
let client: KafkaClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-schema-e2e-"));
  broker = await startBroker(["--schema-registry", `file://${dir}`, "--schema-registry-check-interval-ms", String(CHECK_MS)]);
  kafka = new Kafka({ clientId: "schema-e2e", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  client = await KafkaClient.connect(broker.bootstrap);
});
afterAll(async () => {
  await producer.disconnect();
  await client.close();
  expect(await broker.stop()).toBe(0);
});

async function createTopic(topic: string, schema: { extension: string; text: string } | null, configs: Record<string, string> = {}): Promise<void> {
  if (schema !== null) writeFileSync(join(dir, topic + schema.extension), schema.text);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] });
  await admin.disconnect();
}

/** One kafkajs send: one batch, since the topic has one partition. */
const send = (topic: string, records: readonly EncodedRecord[]) => producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value })) });

async function readAll(topic: string): Promise<EncodedRecord[]> {
  const out: EncodedRecord[] = [];
  const [{ leader } = { leader: -1 }] = (await topicPartitions(client, topic)).partitions;
  let offset = 0n;
  for (;;) {
    const result = await fetchRecords(client, topic, [{ partition: 0, leader, offset }], { maxWaitMs: 0 });
    if (result.records.length === 0) return out;
    for (const r of result.records) out.push({ key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) });
    offset = result.positions.get(0) ?? offset;
  }
}

async function refused(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(() => null, (e: unknown) => e);
  expect(error).toMatchObject({ name: "KafkaJSProtocolError", type: "INVALID_RECORD" });
  return String(error);
}

/** The broker's stderr reaches the test a little after the broker writes it. */
async function logged(text: string): Promise<void> {
  for (let i = 0; i < 100 && !broker.logs().includes(text); i++) await Bun.sleep(10);
}

for (const f of SCHEMA_FIXTURES) {
  describe(`${f.format} schema`, () => {
    const topic = `orders-${f.format}`;
    beforeAll(() => createTopic(topic, { extension: f.extension, text: f.schema }));

    test("valid records from kafkajs are stored and read back byte for byte", async () => {
      const records = Array.from({ length: 50 }, (_, i) => f.record(i));
      await send(topic, records.slice(0, 25));
      await send(topic, records.slice(25));
      expect(await readAll(topic)).toEqual(records);
    });

    for (const bad of f.invalid) {
      test(`a ${bad.what} is refused with INVALID_RECORD and nothing is stored`, async () => {
        const before = (await readAll(topic)).length;
        await refused(send(topic, [bad.record]));
        expect((await readAll(topic)).length).toBe(before);
      });
    }

    test("a batch mixing valid and invalid records stores nothing", async () => {
      const before = (await readAll(topic)).length;
      await refused(send(topic, [f.record(100), f.record(101), f.invalid[0]!.record, f.record(102)]));
      expect((await readAll(topic)).length).toBe(before);
    });

    test("a changed schema file is picked up without a restart", async () => {
      const changing = `changing-${f.format}`;
      await createTopic(changing, { extension: f.extension, text: f.schema });
      await send(changing, [f.record(1)]);
      await refused(send(changing, [f.changedRecord(1)]));
      writeFileSync(join(dir, changing + f.extension), f.changedSchema);
      await Bun.sleep(CHECK_MS * 3);
      await send(changing, [f.changedRecord(2)]);
      await refused(send(changing, [f.record(2)]));
      expect(await readAll(changing)).toEqual([f.record(1), f.changedRecord(2)]);
    });
  });
}

describe("validation switched off, and bad schema files", () => {
  const [avro] = SCHEMA_FIXTURES;
  const bad = avro!.invalid[0]!.record;

  test("tansu.schema.validation=false at creation, or set by IncrementalAlterConfigs, stores records unchecked", async () => {
    await createTopic("unchecked", { extension: ".avsc", text: avro!.schema }, { "tansu.schema.validation": "false" });
    await send("unchecked", [bad]);
    await createTopic("switched", { extension: ".avsc", text: avro!.schema });
    await refused(send("switched", [bad]));
    const alter = (value: string) =>
      client.request(IncrementalAlterConfigsApi, () => ({ resources: [{ resourceType: 2, resourceName: "switched", configs: [{ name: "tansu.schema.validation", configOperation: 0, value }] }], validateOnly: false }));
    expect((await alter("false")).responses[0]?.errorCode).toBe(0);
    await send("switched", [bad]);
    expect((await alter("true")).responses[0]?.errorCode).toBe(0);
    await refused(send("switched", [bad]));
    expect(await readAll("unchecked")).toEqual([bad]);
    expect(await readAll("switched")).toEqual([bad]);
  });

  test("a schema file that does not parse: clear errors on its topic, logged once, other topics keep working", async () => {
    await createTopic("broken", { extension: ".proto", text: "syntax = \"proto3\";\nmessage Value { strin id = 1; }\n" });
    for (let i = 0; i < 3; i++) await refused(send("broken", [{ key: null, value: Buffer.from([0x0a, 0x00]) }]));
    await send(`orders-${avro!.format}`, [avro!.record(7)]);
    const file = join(dir, "broken.proto");
    await logged("schema does not parse");
    expect(broker.logs().split("\n").filter((l) => l.includes("schema does not parse"))).toEqual([
      expect.stringContaining(`ERROR schema does not parse topic=broken file=${file} error="no such Type or Enum 'strin' in Type .Value"`),
    ]);
    writeFileSync(file, 'syntax = "proto3";\nmessage Value { string id = 1; }\n');
    await Bun.sleep(CHECK_MS * 3);
    await send("broken", [{ key: null, value: Buffer.from([0x0a, 0x00]) }]);
    expect(await readAll("broken")).toHaveLength(1);
  });

  test("two schema files for one topic refuse its records, naming both", async () => {
    await createTopic("doubled", { extension: ".avsc", text: avro!.schema });
    writeFileSync(join(dir, "doubled.json"), "{}");
    await Bun.sleep(CHECK_MS * 3);
    await refused(send("doubled", [avro!.record(1)]));
    await logged("schema files conflict");
    expect(broker.logs()).toContain(`topic doubled has 2 schema files (${join(dir, "doubled.avsc")}, ${join(dir, "doubled.json")}); keep one`);
  });

  test("a topic without a schema file takes anything", async () => {
    await createTopic("free", null);
    await send("free", [bad, { key: null, value: Buffer.from("{not json") }]);
    expect(await readAll("free")).toHaveLength(2);
  });
});
