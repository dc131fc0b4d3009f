// `tansu proxy --produce-linger-ms` in front of our broker: Produce requests from many client
// connections are coalesced into fewer upstream requests, and every client is still answered with
// its own offsets and errors. Records are read back from the broker itself, and the broker's
// /metrics counts the Produce requests it was sent.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Producer, stringSerializers } from "@platformatic/kafka";
import avro from "avsc";
import { Kafka, logLevel, type Producer as KafkajsProducer } from "kafkajs";
import { fetchRecords, KafkaClient } from "../../src/client/index.ts";
import { ConfigError } from "../../src/config.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi, type ProduceResponse } from "../../src/protocol/generated/produce.ts";
import { type Codec, encodeBatch } from "../../src/protocol/records/index.ts";
import { proxyConfig } from "../../src/proxy/config.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type EncodedRecord, SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";
import { startProxy, type TestProxy } from "./support.ts";

const NODE = 7;
const AVRO = SCHEMA_FIXTURES[0]!;
const SCHEMA_TOPIC = "orders-avro";
/** A topic refusing batches past SMALL_TOPIC_MAX_BYTES. */
const SMALL_TOPIC = "small";
const SMALL_TOPIC_MAX_BYTES = 1500;
/** The held proxy's upstream request goes only once this many bytes wait. */
const HELD_BATCH_BYTES = 5000;

let broker: TestBroker;
/** Coalesces within 5 ms. */
let proxy: TestProxy;
/** Coalesces until HELD_BATCH_BYTES wait, however long that takes: which batches meet is up to the test. */
let held: TestProxy;
/** Straight to the broker. */
let direct: KafkaClient;

beforeAll(async () => {
  const schemas = mkdtempSync(join(tmpdir(), "tansu-produce-batching-"));
  writeFileSync(join(schemas, SCHEMA_TOPIC + AVRO.extension), AVRO.schema);
  broker = await startBroker(["--node-id", String(NODE), "--schema-registry", `file://${schemas}`], {}, { admin: true });
  const admin = new Kafka({ clientId: "batching-setup", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: "coalesced", numPartitions: 2 },
      { topic: "idempotent", numPartitions: 1 },
      { topic: "unacked", numPartitions: 1 },
      { topic: "codecs", numPartitions: 2 },
      { topic: SCHEMA_TOPIC, numPartitions: 1 },
      { topic: SMALL_TOPIC, numPartitions: 1, configEntries: [{ name: "max.message.bytes", value: String(SMALL_TOPIC_MAX_BYTES) }] },
    ],
  });
  await admin.disconnect();
  proxy = await startProxy(broker.bootstrap, ["--produce-linger-ms", "5", "--upstream-connections", "1"]);
  held = await startProxy(broker.bootstrap, ["--produce-linger-ms", "60000", "--produce-batch-max-bytes", String(HELD_BATCH_BYTES)]);
  direct = await KafkaClient.connect(broker.bootstrap);
  await direct.metadata(null);
});
afterAll(async () => {
  await direct.close();
  expect(await held.stop()).toBe(0);
  expect(await proxy.stop()).toBe(0);
  expect(await broker.stop()).toBe(0);
});

interface Stored {
  offset: bigint;
  value: string;
}

/** Every record the broker holds in the partition. */
async function stored(topic: string, partition = 0): Promise<Stored[]> {
  const out: Stored[] = [];
  let offset = 0n;
  for (;;) {
    const result = await fetchRecords(direct, topic, [{ partition, leader: NODE, offset }], { maxWaitMs: 0 });
    if (result.records.length === 0) return out;
    for (const r of result.records) out.push({ offset: BigInt(r.offset), value: Buffer.from(r.value ?? []).toString() });
    offset = result.positions.get(partition) ?? offset;
  }
}

/** The Produce requests the broker has handled. */
async function brokerProduceRequests(): Promise<number> {
  const text = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  return [...text.matchAll(/^tansu_requests_total\{api="Produce"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

const kafkajs = (clientId: string) => new Kafka({ clientId, brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
const platformatic = (clientId: string, options: { acks?: number; idempotent?: boolean } = {}) =>
  new Producer({ clientId, bootstrapBrokers: [proxy.bootstrap], serializers: stringSerializers, retries: 0, autocreateTopics: false, ...options });

/** One producer: sends one message per call, resolves with the offset it was told. */
type Send = (value: string, partition: number) => Promise<bigint>;

interface TestProducer {
  name: string;
  send: Send;
  close(): Promise<void>;
}

async function kafkajsProducer(name: string, acks: number, idempotent = false): Promise<TestProducer> {
  // kafkajs requires retries of an idempotent producer
  const producer: KafkajsProducer = kafkajs(name).producer({ allowAutoTopicCreation: false, idempotent, ...(idempotent ? { maxInFlightRequests: 1, retry: { retries: 3 } } : {}) });
  await producer.connect();
  return {
    name,
    send: async (value, partition) => BigInt((await producer.send({ topic: topicOf(name), acks, messages: [{ value, partition }] }))[0]!.baseOffset!),
    close: () => producer.disconnect(),
  };
}

function platformaticProducer(name: string, acks: number, idempotent = false): TestProducer {
  const producer = platformatic(name, { acks, idempotent });
  return {
    name,
    send: async (value, partition) => (await producer.send({ messages: [{ topic: topicOf(name), value, partition }] })).offsets![0]!.offset,
    close: () => producer.close(),
  };
}

/** Producers named idempotent-… write to "idempotent", the others to "coalesced". */
const topicOf = (producer: string) => (producer.startsWith("idempotent") ? "idempotent" : "coalesced");

/**
 * Every producer sends `rounds` messages, one per round, all producers' at once; then every record
 * is read back: each once, each producer's in the order sent, each at the offset its producer was told.
 */
async function produceInRounds(producers: readonly TestProducer[], rounds: number, partitions: number): Promise<void> {
  const told = new Map<string, { partition: number; offset: bigint }>();
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      producers.map(async (p) => {
        const value = `${p.name}/${round}`;
        const partition = round % partitions;
        told.set(value, { partition, offset: await p.send(value, partition) });
      }),
    );
  }
  const topic = topicOf(producers[0]!.name);
  const found = new Map<string, { partition: number; offset: bigint }>();
  for (let partition = 0; partition < partitions; partition++) {
    for (const r of await stored(topic, partition)) {
      if (!told.has(r.value)) continue;
      expect(found.has(r.value)).toBe(false);
      found.set(r.value, { partition, offset: r.offset });
    }
  }
  expect(found).toEqual(told);
  for (const p of producers) {
    for (let partition = 0; partition < partitions; partition++) {
      const offsets = Array.from({ length: rounds }, (_, round) => found.get(`${p.name}/${round}`)!).filter((f) => f.partition === partition).map((f) => f.offset);
      expect(offsets).toEqual(offsets.toSorted((a, b) => (a < b ? -1 : 1)));
    }
  }
}

test("--produce-linger-ms is off (0) unless set, PRODUCE_LINGER_MS its twin; bad values are one error", () => {
  const upstream = ["--upstream", "kafka://a:1"];
  expect(proxyConfig(upstream, {})).toMatchObject({ produceLingerMs: 0, produceBatchMaxBytes: 1 << 20 });
  expect(proxyConfig(upstream, { PRODUCE_LINGER_MS: "5", PRODUCE_BATCH_MAX_BYTES: "65536" })).toMatchObject({ produceLingerMs: 5, produceBatchMaxBytes: 65536 });
  expect(() => proxyConfig([...upstream, "--produce-linger-ms", "-1"], {})).toThrow(new ConfigError("--produce-linger-ms: -1 is outside 0..60000"));
  expect(() => proxyConfig([...upstream, "--produce-batch-max-bytes", "1k"], {})).toThrow(new ConfigError('--produce-batch-max-bytes: not an integer: "1k"'));
});

describe("coalescing", () => {
  test("kafkajs and @platformatic/kafka producers with acks=1 and acks=-1: fewer upstream requests, every record once, in order, where its producer was told", async () => {
    const producers = [
      ...(await Promise.all([0, 1, 2, 3].map((i) => kafkajsProducer(`kafkajs-${i}`, i % 2 === 0 ? 1 : -1)))),
      ...[0, 1, 2, 3].map((i) => platformaticProducer(`platformatic-${i}`, i % 2 === 0 ? 1 : -1)),
    ];
    const rounds = 12;
    const before = await brokerProduceRequests();
    try {
      await produceInRounds(producers, rounds, 2);
    } finally {
      await Promise.all(producers.map((p) => p.close()));
    }
    const upstream = (await brokerProduceRequests()) - before;
    // each send is one Produce request from its client
    expect(upstream).toBeLessThan(producers.length * rounds);
  });

  test("a connection's pipelined requests to one partition, with acks changing among them, are stored in the order sent", async () => {
    const clients = await Promise.all([0, 1, 2].map(() => KafkaClient.connect(proxy.bootstrap)));
    const before = (await stored("coalesced", 1)).length;
    try {
      const told = await Promise.all(
        clients.flatMap((client, c) =>
          Array.from({ length: 20 }, (_, i) => {
            const batch = encodeBatch([{ key: null, value: Buffer.from(`pipelined-${c}/${i}`) }]);
            // runs of acks=1 and acks=-1: requests of one run may share an upstream request, the next run waits for the one before
            const acks = Math.floor(i / 5) % 2 === 0 ? 1 : -1;
            const sent = client.request(ProduceApi, () => ({ transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: "coalesced", partitionData: [{ index: 1, records: batch }] }] }), { maxVersion: 9 });
            return sent.then((r) => [`pipelined-${c}/${i}`, r.responses[0]!.partitionResponses[0]!.baseOffset] as const);
          }),
        ),
      );
      const after = (await stored("coalesced", 1)).slice(before);
      expect(new Map(after.map((r) => [r.value, r.offset]))).toEqual(new Map(told));
      for (const c of [0, 1, 2]) expect(after.filter((r) => r.value.startsWith(`pipelined-${c}/`)).map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => `pipelined-${c}/${i}`));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  test("idempotent producers (kafkajs, @platformatic/kafka): every record once and in order, none refused", async () => {
    const producers = [...(await Promise.all([0, 1, 2].map((i) => kafkajsProducer(`idempotent-kafkajs-${i}`, -1, true)))), ...[0, 1, 2].map((i) => platformaticProducer(`idempotent-platformatic-${i}`, -1, true))];
    try {
      await produceInRounds(producers, 10, 1);
    } finally {
      await Promise.all(producers.map((p) => p.close()));
    }
  });

  test("acks=0 (kafkajs, @platformatic/kafka) is passed on unanswered and stored", async () => {
    const producer = kafkajs("unacked").producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const other = platformatic("unacked", { acks: 0 });
    try {
      await Promise.all([
        (async () => {
          for (let i = 0; i < 10; i++) await producer.send({ topic: "unacked", acks: 0, messages: [{ value: `kafkajs/${i}` }] });
        })(),
        (async () => {
          for (let i = 0; i < 10; i++) await other.send({ messages: [{ topic: "unacked", value: `platformatic/${i}` }] });
        })(),
      ]);
    } finally {
      await producer.disconnect();
      await other.close();
    }
    let values: string[] = [];
    for (let attempt = 0; attempt < 100 && values.length < 20; attempt++) {
      values = (await stored("unacked")).map((r) => r.value);
      if (values.length < 20) await Bun.sleep(50);
    }
    expect(values.toSorted()).toEqual([...Array.from({ length: 10 }, (_, i) => `kafkajs/${i}`), ...Array.from({ length: 10 }, (_, i) => `platformatic/${i}`)].toSorted());
    for (const who of ["kafkajs", "platformatic"]) {
      const own = values.filter((v) => v.startsWith(who));
      expect(own).toEqual(Array.from({ length: 10 }, (_, i) => `${who}/${i}`));
    }
  });
});

/** `count` records of `size`-byte values, each starting `${name}/${i}/`. */
const records = (name: string, count: number, size: number) => Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${name}/${i}/`.padEnd(size, "x")) }));

/** The same bytes every call: a batch's size is a function of how many it takes. */
const NOISE = crypto.getRandomValues(Buffer.alloc(4096));

/**
 * `others` and `last(n)` for the n that brings the four batches to exactly HELD_BATCH_BYTES: the held
 * proxy sends them as one upstream request once the last of them arrives, whichever that is.
 */
function fourBatches(others: readonly Uint8Array[], last: (n: number) => Uint8Array): Uint8Array[] {
  const want = HELD_BATCH_BYTES - others.reduce((sum, b) => sum + b.length, 0);
  // a batch grows by about a byte per n
  const guess = want - last(0).length;
  for (let n = Math.max(0, guess - 64); n < Math.min(guess + 64, NOISE.length); n++) {
    const batch = last(n);
    if (batch.length === want) return [...others, batch];
  }
  throw new Error(`no batch of ${want} bytes`);
}

async function produceVia(proxyOf: TestProxy, topic: string, batch: Uint8Array, partition = 0): Promise<ProduceResponse["responses"][number]["partitionResponses"][number]> {
  const client = await KafkaClient.connect(proxyOf.bootstrap);
  try {
    const response = await client.request(ProduceApi, () => ({ transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] }), { maxVersion: 9 });
    return response.responses[0]!.partitionResponses[0]!;
  } finally {
    await client.close();
  }
}

/** Each answered client's records are stored from the base offset it was told, in its order. */
function expectAt(after: readonly Stored[], answer: { baseOffset: bigint }, values: readonly string[]): void {
  const first = after.findIndex((r) => r.offset === answer.baseOffset);
  expect(first).toBeGreaterThanOrEqual(0);
  expect(after.slice(first, first + values.length)).toEqual(values.map((value, i) => ({ offset: answer.baseOffset + BigInt(i), value })));
}

describe("one merged batch for four clients' batches (held until all four wait)", () => {
  test("a record the topic's schema refuses: its client gets INVALID_RECORD with its own batch index, the others their own offsets", async () => {
    const orderRecord = avro.Type.forSchema(JSON.parse(AVRO.schema) as avro.Schema) as avro.types.RecordType;
    const [keyType, valueType] = [orderRecord.field("key")!.type, orderRecord.field("value")!.type];
    const order = (id: number, item = `item-${id}`) => ({ key: keyType.toBuffer(`order-${id}`), value: valueType.toBuffer({ id, item, quantity: 1 }) });
    const good = (from: number) => Array.from({ length: 40 }, (_, i) => order(from + i));
    const sent = [good(0), [...good(100).slice(0, 5), AVRO.invalid[0]!.record, ...good(100).slice(5)], good(200)];
    const encode = (rs: readonly EncodedRecord[]) => encodeBatch(rs.map((r) => ({ key: r.key, value: r.value })));
    const batches = fourBatches(sent.map(encode), (n) => encode([...good(300), order(340, "x".repeat(n))]));
    const [before, requestsBefore] = [await stored(SCHEMA_TOPIC), await brokerProduceRequests()];
    const answers = await Promise.all(batches.map((b) => produceVia(held, SCHEMA_TOPIC, b)));
    // the merged batch, then the three clients' not at fault on their own
    expect((await brokerProduceRequests()) - requestsBefore).toBe(4);
    expect(answers[1]).toMatchObject({ errorCode: ErrorCodes.INVALID_RECORD, baseOffset: -1n, recordErrors: [{ batchIndex: 5 }] });
    expect([answers[0]!.errorCode, answers[2]!.errorCode, answers[3]!.errorCode]).toEqual([0, 0, 0]);
    const after = (await stored(SCHEMA_TOPIC)).slice(before.length);
    expect(after.length).toBe(40 + 40 + 41);
    const text = (rs: readonly EncodedRecord[]) => rs.map((r) => r.value!.toString());
    expectAt(after, answers[0]!, text(sent[0]!));
    expectAt(after, answers[2]!, text(sent[2]!));
    expectAt(after, answers[3]!, text(good(300)));
  });

  test("a batch too large for the topic alone: MESSAGE_TOO_LARGE reaches only its client, the others are stored", async () => {
    const smalls = ["small-0", "small-1", "small-2"].map((name) => records(name, 10, 95));
    const batches = fourBatches(smalls.map((rs) => encodeBatch(rs)), (n) => encodeBatch(records("big", 1, n)));
    expect(batches.map((b) => b.length > SMALL_TOPIC_MAX_BYTES)).toEqual([false, false, false, true]);
    const [before, requestsBefore] = [await stored(SMALL_TOPIC), await brokerProduceRequests()];
    const answers = await Promise.all(batches.map((b) => produceVia(held, SMALL_TOPIC, b)));
    // the merged batch, then each on its own
    expect((await brokerProduceRequests()) - requestsBefore).toBe(5);
    expect(answers.map((a) => a.errorCode)).toEqual([ErrorCodes.NONE, ErrorCodes.NONE, ErrorCodes.NONE, ErrorCodes.MESSAGE_TOO_LARGE]);
    const after = (await stored(SMALL_TOPIC)).slice(before.length);
    expect(after.length).toBe(30);
    smalls.forEach((rs, i) => expectAt(after, answers[i]!, rs.map((r) => r.value.toString())));
  });

  for (const codec of ["gzip", "snappy", "lz4", "zstd"] satisfies Codec[]) {
    test(`${codec} batches of three clients are merged into one ${codec} batch, each client told where its records are`, async () => {
      const batch = (c: number) => encodeBatch(Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.concat([Buffer.from(`${codec}-${c}/${i}/`), NOISE.subarray(i * 100, i * 100 + 100)]) })), { codec });
      // the fourth, uncompressed, for the other partition: its size is exact to the byte
      const batches = fourBatches([0, 1, 2].map(batch), (n) => encodeBatch(records("filler", 1, n)));
      const [before, requestsBefore] = [await stored("codecs"), await brokerProduceRequests()];
      const answers = await Promise.all(batches.map((b, c) => produceVia(held, "codecs", b, c === 3 ? 1 : 0)));
      expect((await brokerProduceRequests()) - requestsBefore).toBe(1);
      expect(answers.map((a) => a.errorCode)).toEqual([0, 0, 0, 0]);
      const after = (await stored("codecs")).slice(before.length);
      expect(after.length).toBe(30);
      for (const [c, a] of answers.slice(0, 3).entries()) {
        const mine = after.filter((r) => r.value.startsWith(`${codec}-${c}/`));
        expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => a.baseOffset + BigInt(i)));
      }
    });
  }
});
