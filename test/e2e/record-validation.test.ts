// Produce's record validation against a real broker process, as clients see it: Kafka's error code
// for each kind of bad batch, recordErrors naming every offending record with an errorMessage
// (Produce v8+), and a partition that afterwards holds exactly the batches that were accepted.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { connect, fetchRecords, type KafkaClient, topicPartitions } from "../../src/client/index.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi, type ProduceResponse } from "../../src/protocol/generated/index.ts";
import { computeBatchCrc, encodeBatch, type EncodeBatchOptions, type RecordInput } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";

type PartitionResponse = ProduceResponse["responses"][number]["partitionResponses"][number];

let broker: TestBroker;
let client: KafkaClient;
let kafka: Kafka;
const bytes = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  broker = await startBroker(["--num-partitions", "1"]);
  client = await connect(broker.bootstrap);
  kafka = new Kafka({ clientId: "record-validation", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: "plain", numPartitions: 1 },
      { topic: "compacted", numPartitions: 1, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      { topic: "recent", numPartitions: 1, configEntries: [{ name: "message.timestamp.before.max.ms", value: "3600000" }] },
    ],
  });
  await admin.disconnect();
});
afterAll(async () => {
  await client.close();
  expect(await broker.stop()).toBe(0);
});

/** Sends one batch to partition 0 of `topic` at Produce `version` and returns the partition's answer. */
async function produce(topic: string, batch: Uint8Array, version = 11): Promise<PartitionResponse> {
  const response = await client.request(ProduceApi, () => ({ transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] }), { maxVersion: version });
  return response.responses[0]!.partitionResponses[0]!;
}

/** `batch` after `edit`, its CRC made right again: damage the CRC cannot see. */
function edited(batch: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const copy = batch.slice();
  edit(copy);
  new DataView(copy.buffer).setUint32(17, computeBatchCrc(copy));
  return copy;
}

async function stored(topic: string): Promise<{ offset: number; value: string | null }[]> {
  const { leader } = (await topicPartitions(client, topic)).partitions[0]!;
  const { records } = await fetchRecords(client, topic, [{ partition: 0, leader, offset: 0n }], { maxWaitMs: 0 });
  return records.map((r) => ({ offset: r.offset, value: r.value === null ? null : new TextDecoder().decode(r.value) }));
}

const keyed = (value: string, timestamp = Date.now()): RecordInput => ({ key: bytes(`key-${value}`), value: bytes(value), timestamp });
const batchOf = (records: RecordInput[], options: EncodeBatchOptions = {}) => encodeBatch(records, options);

describe("Produce refuses what Kafka refuses, with Kafka's codes", () => {
  test("a negative header count (CRC recomputed) is INVALID_RECORD; the partition keeps only good batches", async () => {
    expect(await produce("plain", batchOf([keyed("first")]))).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 0n });
    const good = batchOf([{ key: null, value: bytes("h"), headers: [] }]);
    // the record's last byte is its header count: 0 → zigzag 1 = -1
    const negativeHeaders = edited(good, (b) => (b[b.length - 1] = 1));
    const refused = await produce("plain", negativeHeaders);
    expect(refused).toMatchObject({ errorCode: ErrorCodes.INVALID_RECORD, baseOffset: -1n, recordErrors: [] });
    expect(refused.errorMessage).toContain("header count -1");
    expect(await produce("plain", batchOf([keyed("second")]))).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 1n });
    expect(await stored("plain")).toEqual([
      { offset: 0, value: "first" },
      { offset: 1, value: "second" },
    ]);
  });

  test("a wrong CRC is CORRUPT_MESSAGE; compressed records that do not decompress UNKNOWN_SERVER_ERROR", async () => {
    const badCrc = batchOf([keyed("x")]);
    badCrc[badCrc.length - 1]! ^= 1;
    expect(await produce("plain", badCrc)).toMatchObject({ errorCode: ErrorCodes.CORRUPT_MESSAGE });
    const gzip = edited(batchOf([keyed("y")], { codec: "gzip" }), (b) => b.fill(0, 61, 64));
    expect(await produce("plain", gzip)).toMatchObject({ errorCode: ErrorCodes.UNKNOWN_SERVER_ERROR });
  });

  test("keyless records on a compacted topic: INVALID_RECORD, each one in recordErrors", async () => {
    const batch = batchOf([keyed("a"), { key: null, value: bytes("b") }, keyed("c"), { key: null, value: null }]);
    const refused = await produce("compacted", batch);
    expect(refused.errorCode).toBe(ErrorCodes.INVALID_RECORD);
    expect(refused.recordErrors.map((e) => e.batchIndex)).toEqual([1, 3]);
    for (const e of refused.recordErrors) expect(e.batchIndexErrorMessage).toBe("no key, and topic compacted is compacted (cleanup.policy)");
    expect(refused.errorMessage).toStartWith("2 of 4 records rejected; record 1: no key");
    // before v8 the response has no room for them
    expect(await produce("compacted", batch, 7)).toMatchObject({ errorCode: ErrorCodes.INVALID_RECORD, recordErrors: [], errorMessage: null });
    expect(await stored("compacted")).toEqual([]);
  });

  test("kafkajs sending keyless messages to a compacted topic gets INVALID_RECORD", async () => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    const sending = producer.send({ topic: "compacted", acks: -1, messages: [{ key: "k", value: "v" }, { value: "keyless" }] });
    await expect(sending).rejects.toMatchObject({ type: "INVALID_RECORD", retriable: false });
    await producer.send({ topic: "compacted", acks: -1, messages: [{ key: "k", value: "v" }] });
    await producer.disconnect();
    expect(await stored("compacted")).toEqual([{ offset: 0, value: "v" }]);
  });

  test("timestamps out of range: INVALID_TIMESTAMP, each one in recordErrors", async () => {
    const now = Date.now();
    const refused = await produce("recent", batchOf([keyed("ok", now), keyed("old", now - 7_200_000), keyed("older", now - 9_000_000)]));
    expect(refused.errorCode).toBe(ErrorCodes.INVALID_TIMESTAMP);
    expect(refused.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
    expect(refused.recordErrors[0]!.batchIndexErrorMessage).toContain(`timestamp ${now - 7_200_000} is outside`);
    expect(refused.errorMessage).toStartWith("2 of 3 records rejected; record 1: timestamp");
  });
});

describe("Produce repairs what Kafka repairs", () => {
  test("offsetDeltas other than 0..n-1 are re-assigned, so each record gets its own offset", async () => {
    const records = ["p", "q", "r"].map((v, i) => ({ ...keyed(v), offsetDelta: [0, 5, 1][i]! }));
    const batch = edited(batchOf(records, { codec: "lz4" }), (b) => new DataView(b.buffer).setInt32(23, 2));
    const accepted = await produce("plain", batch);
    expect(accepted.errorCode).toBe(ErrorCodes.NONE);
    const base = Number(accepted.baseOffset);
    expect((await stored("plain")).slice(-3)).toEqual(["p", "q", "r"].map((value, i) => ({ offset: base + i, value })));
  });
});
