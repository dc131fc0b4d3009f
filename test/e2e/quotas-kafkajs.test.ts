// Client quotas enforced on real kafkajs clients: a producer_byte_rate or consumer_byte_rate set
// for one client id (through @platformatic/kafka's admin, on one of two brokers over one SQLite
// file) throttles that client on either broker — its responses carry throttleTimeMs, which kafkajs
// honours and logs — while another client id runs unbounded.
// Bounds are loose: Kafka's windows (11 × 1 s) let a client move quota × 10 s at once, and every
// throttle time after that brings the measured rate back to the quota.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Admin } from "@platformatic/kafka";
import { Kafka, logLevel, type LogEntry } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";

const KB = 1024;
const QUOTA = 50 * KB;
const MESSAGE = 64 * KB;
const MESSAGES = 24;
const RUN_MS = 3000;
/** What a client may move in RUN_MS at most: the 10 s burst, the run at the quota, two messages of slack. */
const MOST = QUOTA * (10 + RUN_MS / 1000) + 2 * MESSAGE;

const dir = mkdtempSync(join(tmpdir(), "tansu-quotas-"));
let brokers: TestBroker[] = [];
beforeAll(async () => {
  const args = ["--storage-engine", `sqlite://${join(dir, "tansu.db")}`, "--group-initial-rebalance-delay-ms", "0"];
  brokers = await Promise.all([startBroker(args), startBroker(args)]);
  const admin = new Admin({ clientId: "quota-admin", bootstrapBrokers: [brokers[0]!.bootstrap] });
  await admin.alterClientQuotas({
    entries: [
      { entities: [{ entityType: "client-id", entityName: "slow-producer" }], ops: [{ key: "producer_byte_rate", value: QUOTA, remove: false }] },
      { entities: [{ entityType: "client-id", entityName: "slow-consumer" }], ops: [{ key: "consumer_byte_rate", value: QUOTA, remove: false }] },
    ],
  });
  await admin.close();
});
afterAll(async () => {
  for (const b of brokers) expect(await b.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

/** A kafkajs client whose throttle times (from its "Client side throttling" debug lines) land in `throttles`. */
function kafkajs(clientId: string, throttles: number[], broker: TestBroker): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const m = /Client side throttling in effect for (\d+)ms/.exec(entry.log.message);
    if (m !== null) throttles.push(Number(m[1]));
  };
  return new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.DEBUG, logCreator, retry: { retries: 0 } });
}

/** Produces MESSAGES messages of MESSAGE bytes one at a time; returns the bytes acknowledged within RUN_MS. */
async function produce(broker: TestBroker, clientId: string, topic: string, throttles: number[]): Promise<number> {
  const producer = kafkajs(clientId, throttles, broker).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const value = Buffer.alloc(MESSAGE, 7);
  const deadline = performance.now() + RUN_MS;
  let acknowledged = 0;
  for (let i = 0; i < MESSAGES && performance.now() < deadline; i++) {
    await producer.send({ topic, messages: [{ value }] });
    if (performance.now() <= deadline) acknowledged += MESSAGE;
  }
  await producer.disconnect();
  return acknowledged;
}

/** Consumes `topic` from the beginning for RUN_MS from the first message; returns the bytes received. */
async function consume(broker: TestBroker, clientId: string, topic: string, throttles: number[]): Promise<number> {
  const consumer = kafkajs(clientId, throttles, broker).consumer({ groupId: `${clientId}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let first = 0;
  const done = Promise.withResolvers<void>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (first === 0) {
        first = performance.now();
        setTimeout(done.resolve, RUN_MS);
      }
      if (performance.now() - first <= RUN_MS) received += message.value?.length ?? 0;
      if (received === MESSAGES * MESSAGE) done.resolve();
    },
  });
  await done.promise;
  await consumer.disconnect();
  return received;
}

test(
  "producer_byte_rate throttles the client id it is set for, on another broker too: throttleTimeMs > 0 and bytes bounded",
  async () => {
    const throttles: number[] = [];
    const bytes = await produce(brokers[1]!, "slow-producer", "quota-produce-slow", throttles);
    expect(Math.max(0, ...throttles)).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(MOST);
    expect(bytes).toBeLessThan(MESSAGES * MESSAGE);

    const unbounded: number[] = [];
    expect(await produce(brokers[1]!, "fast-producer", "quota-produce-fast", unbounded)).toBe(MESSAGES * MESSAGE);
    expect(unbounded).toEqual([]);
  },
  30_000,
);

test(
  "consumer_byte_rate throttles the client id it is set for: throttleTimeMs > 0 and bytes bounded",
  async () => {
    const topic = "quota-consume";
    await produce(brokers[0]!, "loader", topic, []);
    const throttles: number[] = [];
    const bytes = await consume(brokers[0]!, "slow-consumer", topic, throttles);
    expect(Math.max(0, ...throttles)).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(MOST);
    expect(bytes).toBeLessThan(MESSAGES * MESSAGE);

    const unbounded: number[] = [];
    expect(await consume(brokers[0]!, "fast-consumer", topic, unbounded)).toBe(MESSAGES * MESSAGE);
    expect(unbounded).toEqual([]);
  },
  30_000,
);
