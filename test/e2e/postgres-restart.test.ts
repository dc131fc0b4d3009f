// PostgreSQL restarted under a running broker: while acks=-1 producers keep producing, the server
// is stopped (fast shutdown), left down for a second and started again on the same port and data
// directory. Produces issued while it is down fail promptly with a retriable error and are never
// acknowledged; the same broker process, never restarted, acknowledges produces again within
// seconds; and the partition read back from offset 0 holds every acknowledged record exactly once,
// at its acknowledged offset, at contiguous offsets. A produce that failed with a retriable error
// may still be stored, once: its commit can reach the database just before the connection drops,
// and the broker cannot tell (as with Kafka's own retriable errors; an idempotent producer's retry
// is then answered as a duplicate).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { ClientError, type ClientErrorCode, fetchRecords, KafkaClient, produce, topicPartitions, type FetchedRecord } from "../../src/client/index.ts";
import { errorName, isRetriable } from "../../src/protocol/errors.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type EmbeddedServer, startEmbeddedPostgres } from "../support/postgres.ts";

const TOPIC = "pg-restart";
const PRODUCERS = 4;
/** How long the database stays down. */
const DOWN_MS = 1_000;
/** A produce that fails must fail within this, not hang until a timeout. */
const FAILS_WITHIN_MS = 5_000;
/** Above FAILS_WITHIN_MS, so that a hang shows as a slow produce, not as a lost one. */
const REQUEST_TIMEOUT_MS = 8_000;
/** Once the database is back, every producer must be acknowledged again within this... */
const RECOVERS_WITHIN_MS = 10_000;
/** ...this many times. */
const ACKS_AFTER_RESTART = 20;

type Outcome =
  | { kind: "acknowledged"; baseOffset: number }
  | { kind: "kafka-error"; errorCode: number }
  | { kind: "client-error"; code: ClientErrorCode; message: string };

interface Attempt {
  value: string;
  sentAt: number;
  answeredAt: number;
  outcome: Outcome;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let server: EmbeddedServer;
let broker: TestBroker;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ settings: { fsync: "off" } });
  broker = await startBroker(["--storage-engine", server.url.href]);
  const admin = new Kafka({ clientId: "pg-restart-admin", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] })).toBe(true);
  } finally {
    await admin.disconnect();
  }
});

afterAll(async () => {
  if (broker?.running()) await broker.kill("SIGKILL");
  await server?.stop();
});

async function produceOne(client: KafkaClient, leader: number, value: string): Promise<Outcome> {
  const records = encodeBatch([{ key: null, value: encoder.encode(value) }]);
  try {
    const offsets = await produce(client, TOPIC, [{ partition: 0, leader, records }], { acks: -1 });
    return { kind: "acknowledged", baseOffset: Number(offsets.get(0)) };
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    if (e.code === "broker-error" && e.errorCode !== null) return { kind: "kafka-error", errorCode: e.errorCode };
    return { kind: "client-error", code: e.code, message: e.message };
  }
}

async function readPartition(): Promise<FetchedRecord[]> {
  const client = await KafkaClient.connect(broker.bootstrap, { clientId: "pg-restart-reader" });
  try {
    const leader = (await topicPartitions(client, TOPIC)).partitions[0]!.leader;
    const records: FetchedRecord[] = [];
    let offset = 0n;
    for (let empty = 0; empty < 2; ) {
      const result = await fetchRecords(client, TOPIC, [{ partition: 0, leader, offset }], { maxWaitMs: 50 });
      records.push(...result.records);
      empty = result.records.length === 0 ? empty + 1 : 0;
      offset = result.positions.get(0) ?? offset;
    }
    return records;
  } finally {
    await client.close();
  }
}

const outcomeText = (o: Outcome): string =>
  o.kind === "acknowledged" ? `acknowledged at ${o.baseOffset}` : o.kind === "kafka-error" ? `${errorName(o.errorCode)} (${o.errorCode})` : `${o.code}: ${o.message}`;

/** At most a few lines of `items`, for failure messages that stay readable. */
function some<T>(items: readonly T[], show: (item: T) => string): string[] {
  const lines = items.slice(0, 8).map(show);
  return items.length > 8 ? [...lines, `… ${items.length - 8} more`] : lines;
}

test("produces fail promptly and retriably while PostgreSQL restarts; the broker reconnects by itself", async () => {
  const attempts: Attempt[] = [];
  let next = 0;
  let restarted = Number.POSITIVE_INFINITY;
  const acksAfterRestart = new Array<number>(PRODUCERS).fill(0);
  let done = false;

  const producing = Array.from({ length: PRODUCERS }, async (_, producer) => {
    // the project's client retries nothing: every failure surfaces, with its Kafka error code
    const client = await KafkaClient.connect(broker.bootstrap, { clientId: `pg-restart-${producer}`, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    try {
      const leader = (await topicPartitions(client, TOPIC)).partitions[0]!.leader;
      while (!done && broker.running()) {
        const value = `record ${next++}`;
        const sentAt = performance.now();
        const outcome = await produceOne(client, leader, value);
        attempts.push({ value, sentAt, answeredAt: performance.now(), outcome });
        if (outcome.kind === "acknowledged" && sentAt > restarted) acksAfterRestart[producer]!++;
        await Bun.sleep(outcome.kind === "acknowledged" ? 2 : 20);
      }
    } finally {
      await client.close();
    }
  });

  await Bun.sleep(500);
  const stopping = performance.now();
  let stopped = stopping;
  await server.restart(DOWN_MS, () => (stopped = performance.now()));
  restarted = performance.now();
  while (acksAfterRestart.some((n) => n < ACKS_AFTER_RESTART) && performance.now() < restarted + RECOVERS_WITHIN_MS && broker.running()) await Bun.sleep(50);
  done = true;
  await Promise.all(producing);

  const at = (t: number) => `${Math.round(t - stopping)} ms`;
  const attemptText = (a: Attempt) => `${a.value} sent at ${at(a.sentAt)}, answered after ${Math.round(a.answeredAt - a.sentAt)} ms: ${outcomeText(a.outcome)}`;
  const failed = attempts.filter((a) => a.outcome.kind !== "acknowledged");
  const context = [
    `timeline from the stop: stopped at ${at(stopped)}, started again at ${at(restarted)}`,
    `${attempts.length} produces, ${attempts.length - failed.length} acknowledged, after the restart per producer: ${acksAfterRestart.join(", ")}`,
    "broker log (last lines):",
    ...broker.logs().trimEnd().split("\n").slice(-12),
  ].join("\n");

  // (d) the broker survived the restart
  expect(broker.running(), `the broker process exited\n${context}`).toBe(true);

  // (a) nothing issued while the database was down is acknowledged; every failure is an answer
  // with an error code Kafka marks retriable (not a dropped connection, not a timeout)
  const issuedWhileDown = attempts.filter((a) => a.sentAt >= stopped && a.sentAt < stopped + DOWN_MS);
  expect(issuedWhileDown.length, context).toBeGreaterThan(0);
  expect(some(issuedWhileDown.filter((a) => a.outcome.kind === "acknowledged"), attemptText), `acknowledged while the database was down\n${context}`).toEqual([]);
  const notRetriable = failed.filter((a) => a.outcome.kind !== "kafka-error" || !isRetriable(a.outcome.errorCode));
  expect(some(notRetriable, attemptText), `failed without a retriable error\n${context}`).toEqual([]);

  // (b) promptly
  const whileDown = new Set(issuedWhileDown);
  const slow = attempts.filter((a) => (a.outcome.kind !== "acknowledged" || whileDown.has(a)) && a.answeredAt - a.sentAt > FAILS_WITHIN_MS);
  expect(some(slow, attemptText), `not answered within ${FAILS_WITHIN_MS} ms\n${context}`).toEqual([]);

  // (c) the same broker acknowledges every producer again once the database is back
  expect(acksAfterRestart.every((n) => n >= ACKS_AFTER_RESTART), `fewer than ${ACKS_AFTER_RESTART} acknowledgements per producer within ${RECOVERS_WITHIN_MS} ms of the restart\n${context}`).toBe(true);

  // (e) the partition holds every acknowledged record once, at its offset, and nothing else twice
  const records = await readPartition();
  expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
  const stored = new Map<string, number[]>();
  for (const r of records) {
    const value = decoder.decode(r.value ?? new Uint8Array());
    stored.set(value, [...(stored.get(value) ?? []), r.offset]);
  }
  const misplaced = attempts.filter((a) => a.outcome.kind === "acknowledged" && JSON.stringify(stored.get(a.value)) !== JSON.stringify([a.outcome.baseOffset]));
  expect(some(misplaced, (a) => `${attemptText(a)}, stored at ${JSON.stringify(stored.get(a.value) ?? [])}`)).toEqual([]);
  // anything else stored, once, came from a produce that failed retriably (outcome unknown)
  const acknowledged = new Set(attempts.filter((a) => a.outcome.kind === "acknowledged").map((a) => a.value));
  const unknown = new Set(failed.filter((a) => a.outcome.kind === "kafka-error" && isRetriable(a.outcome.errorCode)).map((a) => a.value));
  const unexpected = [...stored].filter(([value, offsets]) => offsets.length !== 1 || !(acknowledged.has(value) || unknown.has(value)));
  expect(some(unexpected, ([value, offsets]) => `${value} at ${JSON.stringify(offsets)}`)).toEqual([]);

  expect(await broker.stop()).toBe(0);
}, 60_000);
