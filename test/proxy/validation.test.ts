// `tansu proxy --schema-registry` in front of a broker that has no registry: the proxy alone checks
// produced records against topic schemas. What it refuses never reaches the broker, which the tests
// read directly; what passes is stored byte for byte.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Producer } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { fetchRecords, initProducerId, KafkaClient } from "../../src/client/index.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi, type ProduceRequest, type ProduceResponse } from "../../src/protocol/generated/produce.ts";
import { type Codec, encodeBatch, type EncodeBatchOptions } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type EncodedRecord, SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";
import { startProxy, type TestProxy } from "./support.ts";

const [AVRO, JSON_SCHEMA] = SCHEMA_FIXTURES as [(typeof SCHEMA_FIXTURES)[number], (typeof SCHEMA_FIXTURES)[number]];
const NODE = 7;
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

let dir: string;
let broker: TestBroker;
let proxy: TestProxy;
/** Straight to the broker: what reached it. */
let direct: KafkaClient;
/** Through the proxy. */
let client: KafkaClient;

const topicOf = (format: string) => `orders-${format}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-proxy-schemas-"));
  for (const f of SCHEMA_FIXTURES) writeFileSync(join(dir, topicOf(f.format) + f.extension), f.schema);
  // a schema for a topic the broker does not have: only an answer from the broker can say so
  writeFileSync(join(dir, `ghost${AVRO.extension}`), AVRO.schema);
  broker = await startBroker(["--node-id", String(NODE)]);
  const admin = new Kafka({ clientId: "validation-setup", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [...SCHEMA_FIXTURES.map((f) => ({ topic: topicOf(f.format), numPartitions: 2 })), { topic: "plain", numPartitions: 1 }] });
  await admin.disconnect();
  proxy = await startProxy(broker.bootstrap, ["--schema-registry", `file://${dir}`, "--schema-registry-check-interval-ms", "60000"]);
  direct = await KafkaClient.connect(broker.bootstrap);
  // Fetch goes to the node Metadata names
  await direct.metadata(null);
  client = await KafkaClient.connect(proxy.bootstrap);
});
afterAll(async () => {
  await client.close();
  await direct.close();
  expect(await proxy.stop()).toBe(0);
  expect(await broker.stop()).toBe(0);
});

/** Every record the broker holds in the partition, read from the broker itself. */
async function stored(topic: string, partition = 0): Promise<EncodedRecord[]> {
  const out: EncodedRecord[] = [];
  let offset = 0n;
  for (;;) {
    const result = await fetchRecords(direct, topic, [{ partition, leader: NODE, offset }], { maxWaitMs: 0 });
    if (result.records.length === 0) return out;
    for (const r of result.records) out.push({ key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) });
    offset = result.positions.get(partition) ?? offset;
  }
}

type PartitionData = ProduceRequest["topicData"][number]["partitionData"][number];

const batch = (records: readonly EncodedRecord[], options: EncodeBatchOptions = {}) => encodeBatch(records.map((r) => ({ key: r.key, value: r.value })), options);

function produce(via: KafkaClient, topicData: { name: string; partitionData: PartitionData[] }[], version = ProduceApi.maxVersion, acks = -1): Promise<ProduceResponse> {
  return via.request(ProduceApi, () => ({ transactionalId: null, acks, timeoutMs: 5000, topicData }), { maxVersion: version });
}

const kafkajs = () => new Kafka({ clientId: "validation", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });

/** Every Kafka error name (apiId) in a @platformatic/kafka error and the errors it wraps. */
function apiIds(e: unknown): string[] {
  if (typeof e !== "object" || e === null) return [];
  const { apiId, errors, cause } = e as { apiId?: unknown; errors?: unknown; cause?: unknown };
  return [...(typeof apiId === "string" ? [apiId] : []), ...(Array.isArray(errors) ? errors.flatMap(apiIds) : []), ...apiIds(cause)];
}

describe("clients through a proxy that checks schemas", () => {
  for (const f of SCHEMA_FIXTURES) {
    test(`${f.format}: valid records from kafkajs and @platformatic/kafka are stored byte for byte`, async () => {
      const topic = topicOf(f.format);
      const records = Array.from({ length: 40 }, (_, i) => f.record(i));
      const producer = kafkajs().producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: records.slice(0, 20).map((r) => ({ ...r, partition: 0 })) });
      await producer.disconnect();
      const platformatic = new Producer({ clientId: "validation", bootstrapBrokers: [proxy.bootstrap], retries: 0, autocreateTopics: false });
      try {
        await platformatic.send({ acks: -1, messages: records.slice(20).map((r) => ({ topic, partition: 0, key: r.key ?? undefined, value: r.value ?? undefined })) });
      } finally {
        await platformatic.close();
      }
      expect(await stored(topic)).toEqual(records);
    });

    test(`${f.format}: a batch with an invalid record is refused with INVALID_RECORD (kafkajs, @platformatic/kafka) and none of it reaches the broker`, async () => {
      const topic = topicOf(f.format);
      const before = await stored(topic);
      for (const bad of f.invalid) {
        const messages = [f.record(100), bad.record, f.record(101)];
        const producer = kafkajs().producer({ allowAutoTopicCreation: false });
        await producer.connect();
        const refused = await producer.send({ topic, acks: -1, messages: messages.map((r) => ({ ...r, partition: 0 })) }).then(() => null, (e: unknown) => e);
        await producer.disconnect();
        expect(refused).toMatchObject({ name: "KafkaJSProtocolError", type: "INVALID_RECORD", retriable: false });
        const platformatic = new Producer({ clientId: "validation", bootstrapBrokers: [proxy.bootstrap], retries: 0, autocreateTopics: false });
        try {
          const failure = await platformatic.send({ acks: -1, messages: messages.map((r) => ({ topic, partition: 0, key: r.key ?? undefined, value: r.value ?? undefined })) }).then(() => [], apiIds);
          expect(failure).toContain("INVALID_RECORD");
        } finally {
          await platformatic.close();
        }
      }
      expect(await stored(topic)).toEqual(before);
    });
  }

  test("a topic without a schema takes any bytes", async () => {
    const producer = kafkajs().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: "plain", acks: -1, messages: [{ key: null, value: "not avro, not json {" }] });
    await producer.disconnect();
    expect((await stored("plain")).at(-1)).toEqual({ key: null, value: Buffer.from("not avro, not json {") });
  });
});

/** One valid and one invalid partition of a topic with a schema, and a topic without: checked as sent through `via`. */
async function mixedRequest(via: KafkaClient, version: number): Promise<void> {
  const topic = topicOf(AVRO.format);
  const [before0, before1, beforePlain] = [await stored(topic, 0), await stored(topic, 1), await stored("plain")];
  const good = [AVRO.record(version), AVRO.record(version + 10)];
  const bad = [AVRO.record(1), AVRO.invalid[0]!.record, AVRO.record(2), AVRO.invalid[2]!.record];
  const response = await produce(
    via,
    [
      { name: topic, partitionData: [{ index: 1, records: batch(bad) }, { index: 0, records: batch(good) }] },
      { name: "plain", partitionData: [{ index: 0, records: batch([{ key: null, value: Buffer.from(`v${version}`) }]) }] },
    ],
    version,
  );
  expect(response.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])])).toEqual([
    [topic, [[1, ErrorCodes.INVALID_RECORD], [0, ErrorCodes.NONE]]],
    ["plain", [[0, ErrorCodes.NONE]]],
  ]);
  const [refused, accepted] = response.responses[0]!.partitionResponses;
  expect(refused!.baseOffset).toBe(-1n);
  expect(accepted!.baseOffset).toBe(BigInt(before0.length));
  // record_errors and error_message came with Produce v8
  if (version >= 8) {
    expect(refused!.recordErrors.map((e) => e.batchIndex)).toEqual([1, 3]);
    expect(refused!.recordErrors[0]!.batchIndexErrorMessage).toContain(AVRO.invalid[0]!.reason);
    expect(refused!.errorMessage).toStartWith(`2 records of 4 do not match ${join(dir, topic + AVRO.extension)}; record 1: `);
  }
  expect(await stored(topic, 0)).toEqual([...before0, ...good]);
  expect(await stored(topic, 1)).toEqual(before1);
  expect(await stored("plain")).toHaveLength(beforePlain.length + 1);
}

describe("one request, several partitions", () => {
  for (let version = 3; version <= 9; version++) {
    test(`Produce v${version}: the valid partitions are stored, the invalid answered INVALID_RECORD, in the request's order`, () => mixedRequest(client, version));
  }

  test("with --produce-linger-ms too: the partitions that pass are coalesced, the refused answered alike", async () => {
    const lingering = await startProxy(broker.bootstrap, ["--schema-registry", `file://${dir}`, "--produce-linger-ms", "5"]);
    const via = await KafkaClient.connect(lingering.bootstrap);
    try {
      for (const version of [3, 9]) await mixedRequest(via, version);
    } finally {
      await via.close();
      expect(await lingering.stop()).toBe(0);
    }
  });

  test("a request whose every partition is refused is answered by the proxy alone", async () => {
    const valid = await produce(client, [{ name: "ghost", partitionData: [{ index: 0, records: batch([AVRO.record(1)]) }] }]);
    expect(valid.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    const invalid = await produce(client, [{ name: "ghost", partitionData: [{ index: 0, records: batch([AVRO.invalid[1]!.record]) }, { index: 3, records: batch([AVRO.invalid[0]!.record]) }] }]);
    expect(invalid.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode, p.recordErrors.length])).toEqual([
      [0, ErrorCodes.INVALID_RECORD, 1],
      [3, ErrorCodes.INVALID_RECORD, 1],
    ]);
    expect(invalid.throttleTimeMs).toBe(0);
  });

  test("acks=0: invalid partitions are dropped, valid ones reach the broker", async () => {
    const topic = topicOf(JSON_SCHEMA.format);
    const [before0, before1] = [await stored(topic, 0), await stored(topic, 1)];
    const connection = await KafkaClient.connect(proxy.bootstrap);
    try {
      const send = (partitionData: PartitionData[]) => connection.send(ProduceApi, () => ({ transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: topic, partitionData }] }));
      await send([{ index: 0, records: batch([JSON_SCHEMA.record(1)]) }, { index: 1, records: batch([JSON_SCHEMA.invalid[1]!.record]) }]);
      await send([{ index: 1, records: batch([JSON_SCHEMA.invalid[0]!.record]) }]);
      // answered after the acks=0 requests before it on the same connection
      const last = await produce(connection, [{ name: topic, partitionData: [{ index: 0, records: batch([JSON_SCHEMA.record(2)]) }] }]);
      expect(last.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCodes.NONE);
    } finally {
      await connection.close();
    }
    expect(await stored(topic, 0)).toEqual([...before0, JSON_SCHEMA.record(1), JSON_SCHEMA.record(2)]);
    expect(await stored(topic, 1)).toEqual(before1);
  });

  test("compressed batches are checked alike; a batch with a wrong CRC is CORRUPT_MESSAGE and stays here", async () => {
    const topic = topicOf(AVRO.format);
    const before = await stored(topic, 1);
    const codecs: Codec[] = ["gzip", "snappy", "lz4", "zstd"];
    for (const codec of codecs) {
      const good = await produce(client, [{ name: topic, partitionData: [{ index: 1, records: batch([AVRO.record(1)], { codec }) }] }]);
      const bad = await produce(client, [{ name: topic, partitionData: [{ index: 1, records: batch([AVRO.record(1), AVRO.invalid[1]!.record], { codec }) }] }]);
      expect([codec, good.responses[0]!.partitionResponses[0]!.errorCode, bad.responses[0]!.partitionResponses[0]!.errorCode]).toEqual([codec, ErrorCodes.NONE, ErrorCodes.INVALID_RECORD]);
    }
    const corrupt = batch([AVRO.record(2)]);
    corrupt[corrupt.length - 1]! ^= 0xff;
    const response = await produce(client, [{ name: topic, partitionData: [{ index: 1, records: corrupt }] }]);
    expect(response.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCodes.CORRUPT_MESSAGE, errorMessage: expect.stringContaining("crc-mismatch") });
    expect(await stored(topic, 1)).toEqual([...before, ...codecs.map(() => AVRO.record(1))]);
  });
});

test("checks that wait on the registry keep a connection's requests in order: an idempotent producer's pipelined batches all land", async () => {
  // a check interval of 0: every Produce waits for the registry
  const checking = await startProxy(broker.bootstrap, ["--schema-registry", `file://${dir}`, "--schema-registry-check-interval-ms", "0"]);
  const connection = await KafkaClient.connect(checking.bootstrap);
  try {
    const topic = topicOf(AVRO.format);
    const before = await stored(topic, 0);
    const { producerId, producerEpoch } = await initProducerId(connection);
    const records = Array.from({ length: 30 }, (_, i) => AVRO.record(1000 + i));
    // every other request also names a topic whose schema file just changed: its check reads and
    // compiles the file, so it finishes after the others' checks, which only look at file versions
    const slow = topicOf(JSON_SCHEMA.format);
    writeFileSync(join(dir, slow + JSON_SCHEMA.extension), `${JSON_SCHEMA.schema}\n`);
    const responses = await Promise.all(
      records.map((r, i) =>
        produce(connection, [
          { name: topic, partitionData: [{ index: 0, records: batch([r], { producerId, producerEpoch, baseSequence: i }) }] },
          ...(i % 2 === 0 ? [] : [{ name: slow, partitionData: [{ index: 1, records: batch([JSON_SCHEMA.record(i)]) }] }]),
        ]),
      ),
    );
    expect(responses.map((r) => r.responses[0]!.partitionResponses[0]!.errorCode)).toEqual(records.map(() => ErrorCodes.NONE));
    expect(await stored(topic, 0)).toEqual([...before, ...records]);
  } finally {
    await connection.close();
    expect(await checking.stop()).toBe(0);
  }
});

test("a Produce request the proxy cannot read closes its connection, as Kafka does", async () => {
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket = await Bun.connect({ hostname: "127.0.0.1", port: proxy.port, socket: { data() {}, close: () => closed() } });
  // Produce v7, client id "x", transactionalId null, acks -1, then the request ends
  const inner = [0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 0x78, 0xff, 0xff, 0xff, 0xff];
  socket.write(Uint8Array.from([0, 0, 0, inner.length, ...inner]));
  await done;
  for (let i = 0; i < 100 && !proxy.logs().includes("Produce request:"); i++) await Bun.sleep(10);
  expect(proxy.logs()).toMatch(/closing client connection .*reason="Produce request: /);
});

describe("--schema-registry errors", () => {
  const run = async (value: string, env: Record<string, string> = {}) => {
    const proc = Bun.spawn([process.execPath, MAIN, "proxy", "--upstream", broker.bootstrap, "--listener-url", "tcp://127.0.0.1:0", "--schema-registry", value], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    return { code, stdout, stderr };
  };

  test("a bad value is one line naming it, and exit code 2", async () => {
    const cases: [string, Record<string, string>, string][] = [
      ["schemas", {}, 'tansu: --schema-registry: not a URL: "schemas"'],
      ["ftp://host/schemas", {}, "tansu: --schema-registry: expected file://dir or s3://bucket/prefix, got ftp://"],
      [`file://${dir}/missing`, {}, `tansu: --schema-registry: ${dir}/missing is not a directory`],
      ["s3:///schemas", {}, "tansu: --schema-registry: no bucket in s3:///schemas (e.g. s3://bucket/schemas)"],
      ["s3://bucket/schemas", { AWS_ENDPOINT: "http://127.0.0.1:1" }, "tansu: S3 endpoint http://127.0.0.1:1 is plain http: set AWS_ALLOW_HTTP=true to allow it"],
    ];
    for (const [value, env, line] of cases) expect(await run(value, env)).toEqual({ code: 2, stdout: "", stderr: `${line}\n` });
  });
});
