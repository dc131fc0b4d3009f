// Golden bytes from the JavaScript clients, captured live: kafkajs and @platformatic/kafka run
// through a capturing proxy in front of a real broker; every request they send and every response
// they receive must decode and re-encode byte for byte, and their Produce batches must decode to
// exactly the records they sent.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Admin, Consumer, Producer, stringSerializers } from "@platformatic/kafka";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { fetchAll } from "../e2e/kafkajs-support.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type CaptureProxy, startCaptureProxy } from "../support/capture-proxy.ts";
import { producedRecords, reencodeRequest, reencodeResponse } from "../support/golden.ts";

let proxy: CaptureProxy;
let broker: TestBroker;

beforeAll(async () => {
  proxy = startCaptureProxy();
  broker = await startBroker(["--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`]);
  proxy.setTarget(broker.port);
});
afterAll(async () => {
  await broker.stop();
  proxy.stop();
});

const sent = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: i % 3 === 0 ? null : `${prefix}-k${i}`, value: i % 5 === 4 ? null : `${prefix}-v${i}`, headers: { h: `x${i}` }, timestamp: 1_700_000_000_000 + i }));

function checkCaptured(scenario: string): number {
  const frames = proxy.frames.filter((f) => f.scenario === scenario);
  expect(frames.length).toBeGreaterThan(0);
  for (const f of frames) {
    const again = f.direction === "request" ? reencodeRequest(f.bytes) : reencodeResponse(f.bytes, f.apiKey, f.apiVersion);
    expect({ where: `${scenario} ${f.direction} key=${f.apiKey} v${f.apiVersion}`, same: Buffer.compare(again, f.bytes) === 0 }).toEqual({ where: `${scenario} ${f.direction} key=${f.apiKey} v${f.apiVersion}`, same: true });
  }
  return frames.length;
}

function producedIn(scenario: string) {
  return proxy.frames.filter((f) => f.scenario === scenario && f.direction === "request" && f.apiKey === 0).map((f) => producedRecords(f.bytes));
}

describe("kafkajs 2.2.4", () => {
  for (const [codec, compression] of [["none", CompressionTypes.None], ["gzip", CompressionTypes.GZIP]] as const) {
    test(`admin, produce (${codec}), list offsets and fetch frames re-encode byte for byte; batches hold what was sent`, async () => {
      const scenario = `kafkajs-${codec}`;
      proxy.scenario = scenario;
      const kafka = new Kafka({ clientId: "golden-kafkajs", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: scenario, numPartitions: 1 }] });
      const producer = kafka.producer();
      await producer.connect();
      const records = sent(scenario, 10);
      await producer.send({ topic: scenario, compression, messages: records.map((r) => ({ ...r, timestamp: String(r.timestamp), partition: 0 })) });
      await producer.disconnect();
      await admin.fetchTopicOffsets(scenario);
      expect((await fetchAll(kafka, scenario, [0])).length).toBe(records.length);
      await admin.deleteTopics({ topics: [scenario] });
      await admin.disconnect();
      checkCaptured(scenario);
      const produced = producedIn(scenario);
      expect(produced.flatMap((p) => p.codecs)).toEqual([codec]);
      expect(produced.flatMap((p) => p.records)).toEqual(records.map((r) => ({ key: r.key, value: r.value, headers: [["h", r.headers.h]], timestamp: r.timestamp })));
    });
  }
});

describe("@platformatic/kafka 2.12.1", () => {
  for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"] as const) {
    test(`admin, produce (${codec}), list offsets and fetch frames re-encode byte for byte; batches hold what was sent`, async () => {
      const scenario = `platformatic-${codec}`;
      proxy.scenario = scenario;
      const base = { clientId: "golden-platformatic", bootstrapBrokers: [proxy.bootstrap] };
      const admin = new Admin(base);
      await admin.createTopics({ topics: [scenario], partitions: 1, replicas: 1 });
      const producer = new Producer({ ...base, serializers: stringSerializers, autocreateTopics: false });
      const records = sent(scenario, 10);
      await producer.send({ compression: codec, messages: records.map((r) => ({ topic: scenario, partition: 0, key: r.key ?? undefined, value: r.value ?? undefined, headers: r.headers, timestamp: BigInt(r.timestamp) })) });
      await producer.close();
      const consumer = new Consumer({ ...base, groupId: "golden-unused" });
      await consumer.listOffsets({ topics: [scenario] });
      await consumer.fetch({ node: 111, maxWaitTime: 10, topics: [{ topicId: scenario, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }] });
      await consumer.close();
      await admin.deleteTopics({ topics: [scenario] });
      await admin.close();
      checkCaptured(scenario);
      const produced = producedIn(scenario);
      expect(produced.flatMap((p) => p.codecs)).toEqual([codec]);
      // @platformatic/kafka sends no key for a null key and an empty value for a null value
      expect(produced.flatMap((p) => p.records).map((r) => r.key)).toEqual(records.map((r) => r.key));
      expect(produced.flatMap((p) => p.records).map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
    });
  }
});
