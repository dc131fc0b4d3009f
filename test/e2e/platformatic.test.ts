import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Admin, Consumer, Producer, stringSerializers } from "@platformatic/kafka";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { BASE_TIMESTAMP, type ConsumedRecord, expectExactly, makeRecords, type SentRecord } from "./records.ts";

let broker: TestBroker;
const topic = "platformatic-records";
const sent: SentRecord[] = [];
const base = () => ({ clientId: "platformatic-e2e", bootstrapBrokers: [broker.bootstrap], retries: 5, retryDelay: 50 });

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

const text = (b: Buffer | null | undefined): string | null => (b === null || b === undefined ? null : b.toString("utf8"));

/** Assign-style reading with the client's own Fetch encoding and record-batch decoding. */
async function fetchAll(partitions: number[]): Promise<ConsumedRecord[]> {
  const consumer = new Consumer({ ...base(), groupId: "unused-no-join" });
  try {
    const out: ConsumedRecord[] = [];
    const next = new Map(partitions.map((p) => [p, 0n]));
    const ends = await consumer.listOffsets({ topics: [topic] });
    const end = ends.get(topic)!;
    for (let round = 0; round < 10_000 && partitions.some((p) => next.get(p)! < end[p]!); round++) {
      const response = await consumer.fetch({
        node: 111,
        maxWaitTime: 100,
        topics: [{ topicId: topic, partitions: partitions.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: next.get(p)!, lastFetchedEpoch: -1, partitionMaxBytes: 256 << 10 })) }],
      });
      for (const t of response.responses) {
        for (const p of t.partitions) {
          expect(p.errorCode).toBe(0);
          for (const batch of p.records ?? []) {
            for (const r of batch.records) {
              const offset = batch.firstOffset + BigInt(r.offsetDelta);
              if (offset < next.get(p.partitionIndex)!) continue;
              const headers: Record<string, string> = {};
              for (const [k, v] of r.headers) headers[text(k) ?? ""] = text(v) ?? "";
              out.push({ partition: p.partitionIndex, offset: Number(offset), key: text(r.key), value: text(r.value), headers, timestamp: Number(batch.firstTimestamp + r.timestampDelta) });
              next.set(p.partitionIndex, offset + 1n);
            }
          }
        }
      }
    }
    return out;
  } finally {
    await consumer.close();
  }
}

describe("@platformatic/kafka 2.12.1", () => {
  test("creates a 3-partition topic", async () => {
    const admin = new Admin(base());
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    const metadata = await admin.metadata({ topics: [topic] });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(3);
    await admin.close();
  });

  test("produces 10,000 records with none, gzip, snappy, lz4 and zstd under acks 0, 1 and all", async () => {
    const producer = new Producer({ ...base(), serializers: stringSerializers, autocreateTopics: false });
    const runs = (["none", "gzip", "snappy", "lz4", "zstd"] as const).flatMap((compression) => [0, 1, -1].map((acks) => ({ compression, acks })));
    const perRun = Math.ceil(10_000 / runs.length);
    let id = 0;
    for (const { compression, acks } of runs) {
      const records = makeRecords(Math.min(perRun, 10_000 - id), id, 3);
      id += records.length;
      for (let i = 0; i < records.length; i += 250) {
        await producer.send({
          acks,
          compression,
          messages: records.slice(i, i + 250).map((r) => ({ topic, partition: r.partition, key: r.key ?? undefined, value: r.value ?? undefined, headers: r.headers, timestamp: BigInt(r.timestamp) })),
        });
      }
      sent.push(...records);
    }
    await producer.close();
    expect(sent.length).toBe(10_000);
  });

  test("reads back every key, value, header, timestamp, partition and offset", async () => {
    expectExactly(sent, await fetchAll([0, 1, 2]));
  });

  test("lists offsets: earliest, latest and by timestamp", async () => {
    const consumer = new Consumer({ ...base(), groupId: "unused-no-join" });
    const counts = [0, 1, 2].map((p) => BigInt(sent.filter((r) => r.partition === p).length));
    expect((await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic)).toEqual([0n, 0n, 0n]);
    expect((await consumer.listOffsets({ topics: [topic], timestamp: -1n })).get(topic)).toEqual(counts);
    const byTime = (await consumer.listOffsets({ topics: [topic], timestamp: BigInt(BASE_TIMESTAMP + 4001) })).get(topic)!;
    // record 4001 is in partition 4001 % 3 = 2
    expect(byTime[2]).toBe(BigInt(sent.filter((r) => r.partition === 2).findIndex((r) => r.id === 4001)));
    await consumer.close();
  });

  test("an idempotent producer stores each record once", async () => {
    const producer = new Producer({ ...base(), serializers: stringSerializers, idempotent: true, autocreateTopics: true });
    const records = makeRecords(300, 20_000, 1);
    for (let i = 0; i < records.length; i += 100) {
      await producer.send({ acks: -1, messages: records.slice(i, i + 100).map((r) => ({ topic: "platformatic-idempotent", partition: 0, key: r.key ?? undefined, value: r.value ?? undefined, headers: r.headers, timestamp: BigInt(r.timestamp) })) });
    }
    await producer.close();
    const consumer = new Consumer({ ...base(), groupId: "unused-no-join" });
    expect((await consumer.listOffsets({ topics: ["platformatic-idempotent"] })).get("platformatic-idempotent")).toEqual([300n]);
    await consumer.close();
  });

  test("deletes the topic and it is gone", async () => {
    const admin = new Admin(base());
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    await admin.close();
  });
});
