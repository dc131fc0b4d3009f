// Shared pieces of the transaction end-to-end tests: kafkajs clients, a kafkajs group consumer
// that records what it sees (read_committed or read_uncommitted) and counts its fetches, and raw
// requests kafkajs has no call for (ListOffsets at READ_COMMITTED for the last stable offset,
// DescribeTransactions, ListTransactions) through the project's own client.

import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import { KafkaClient } from "../../src/client/index.ts";
import { DescribeTransactionsApi, type DescribeTransactionsResponse, ListOffsetsApi, ListTransactionsApi } from "../../src/protocol/generated/index.ts";
import { waitFor } from "./groups-support.ts";

export { waitFor };

/** Broker flags every transaction test wants: groups form at once, timed-out transactions go quickly. */
export const TXN_BROKER_FLAGS = ["--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "1000", "--transaction-abort-timed-out-transaction-cleanup-interval-ms", "200"];

export const kafkaFor = (bootstrap: string, clientId: string, retries = 10) =>
  new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 50, maxRetryTime: 500 } });

/** A SQLite file in a fresh temporary directory. */
export function sqliteFile(prefix: string): { url: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `tansu-${prefix}-`));
  return { url: `sqlite://${join(dir, "txn.db")}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions }] })).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

/** The committed offset of each partition of `topic` for `groupId` (-1: none), by partition. */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return [...(offsets?.partitions ?? [])].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

/** Every `type` (kafkajs protocol error name) on the error and its causes. */
export function errorTypes(e: unknown): string[] {
  const types: string[] = [];
  for (let cur = e as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; cur !== undefined && cur !== null && depth < 10; depth++) {
    if (typeof cur.type === "string") types.push(cur.type);
    cur = (cur.cause ?? cur.originalError) as typeof cur;
  }
  return types;
}

/** Runs `action`, which must fail; answers the kafkajs error types it failed with. */
export async function failureOf(action: () => Promise<unknown>): Promise<string[]> {
  try {
    await action();
  } catch (e) {
    return errorTypes(e);
  }
  throw new Error("expected the call to fail, it succeeded");
}

export interface Seen {
  partition: number;
  offset: number;
  value: string;
}

/** A kafkajs group consumer of one topic from the beginning, keeping every record it is given. */
export class Collector {
  readonly seen: Seen[] = [];
  fetches = 0;
  private constructor(private readonly consumer: Consumer) {}

  /** `maxBytesPerPartition` small makes one transaction span several fetches. */
  static async start(kafka: Kafka, topic: string, groupId: string, readUncommitted: boolean, maxBytesPerPartition?: number): Promise<Collector> {
    const consumer = kafka.consumer({ groupId, readUncommitted, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, maxBytesPerPartition });
    const collector = new Collector(consumer);
    consumer.on(consumer.events.FETCH, () => {
      collector.fetches++;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        collector.seen.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? "" });
      },
    });
    return collector;
  }

  values(partition?: number): string[] {
    return this.seen.filter((s) => partition === undefined || s.partition === partition).map((s) => s.value);
  }

  /** Waits until every one of `values` has been seen. */
  async sees(values: readonly string[], timeoutMs = 20_000): Promise<void> {
    await waitFor(`consumer to see ${values.join(", ")}`, () => {
      const got = new Set(this.values());
      return values.every((v) => got.has(v));
    }, timeoutMs);
  }

  /** Waits for `count` more completed fetches: a consumer held back has asked again and again. */
  async fetchesMore(count: number): Promise<void> {
    const target = this.fetches + count;
    await waitFor(`${count} more fetches`, () => this.fetches >= target);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Sends one non-transactional record to each partition; answers their values. */
export async function sendMarkers(kafka: Kafka, topic: string, partitions: number, tag: string): Promise<string[]> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const values = Array.from({ length: partitions }, (_, p) => `${tag}-p${p}`);
  await producer.send({ topic, acks: -1, messages: values.map((value, partition) => ({ value, partition })) });
  await producer.disconnect();
  return values;
}

async function withClient<T>(bootstrap: string, use: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Each partition's latest offset as a READ_COMMITTED (isolation 1) or READ_UNCOMMITTED (0) reader sees it. */
export function latestOffsets(bootstrap: string, topic: string, partitions: number, isolationLevel: 0 | 1): Promise<number[]> {
  return withClient(bootstrap, async (client) => {
    const r = await client.request(ListOffsetsApi, () => ({
      replicaId: -1,
      isolationLevel,
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 })) }],
    }));
    const out: number[] = [];
    for (const p of r.topics[0]?.partitions ?? []) {
      expect(p.errorCode).toBe(0);
      out[p.partitionIndex] = Number(p.offset);
    }
    return out;
  });
}

export type DescribedTransaction = DescribeTransactionsResponse["transactionStates"][number];

export function describeTransaction(bootstrap: string, transactionalId: string): Promise<DescribedTransaction> {
  return withClient(bootstrap, async (client) => {
    const r = await client.request(DescribeTransactionsApi, () => ({ transactionalIds: [transactionalId] }));
    const state = r.transactionStates[0];
    if (state === undefined) throw new Error("DescribeTransactions answered no state");
    return state;
  });
}

/** transactionalId → state name, of every transactional id the cluster knows. */
export function listTransactions(bootstrap: string): Promise<Map<string, string>> {
  return withClient(bootstrap, async (client) => {
    const r = await client.request(ListTransactionsApi, () => ({ stateFilters: [], producerIdFilters: [], durationFilter: -1n }));
    expect(r.errorCode).toBe(0);
    return new Map(r.transactionStates.map((t) => [t.transactionalId, t.transactionState]));
  });
}

/** Per partition, the values in the order they were consumed, with offsets strictly rising. */
export function byPartition(seen: readonly Seen[], partitions: number): string[][] {
  return Array.from({ length: partitions }, (_, p) => {
    const mine = seen.filter((s) => s.partition === p);
    mine.forEach((s, i) => i > 0 && expect(s.offset).toBeGreaterThan(mine[i - 1]!.offset));
    return mine.map((s) => s.value);
  });
}
