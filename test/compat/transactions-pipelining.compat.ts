// librdkafka pipelines transactional requests: abort_transaction() right after produce() sends
// EndTxn(abort) on the coordinator connection right behind the AddPartitionsToTxn that began the
// transaction, before that one is answered. Kafka handles a connection's requests one at a time,
// in order; so must the broker, or EndTxn finds the previous transaction's Complete* state and
// answers INVALID_TXN_STATE, which librdkafka treats as fatal. Slow S3 writes (the S3 test server
// with PutObject latency) keep AddPartitionsToTxn's state write in flight while EndTxn arrives.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { TestBroker } from "../support/broker.ts";
import { python } from "./support/python.ts";
import { openSharedStore, type SharedStore, startBrokers } from "./support/shared-store.ts";
import { awaitStable, byPartition, type PlannedTransaction, readTopic, runPlan } from "./support/transactions.ts";

const PARTITIONS = 3;
const TRANSACTIONS = 40;

let store: SharedStore;
let broker: TestBroker;

beforeAll(async () => {
  store = await openSharedStore("s3");
  [broker] = (await startBrokers(store, 1)) as [TestBroker];
  await python("confluent_client.py", "create", { bootstrap: broker.bootstrap, topic: "txn-pipelined", partitions: PARTITIONS });
});

afterAll(async () => {
  expect(await broker?.stop()).toBe(0);
  await store?.close();
});

test("abort_transaction() at once after produce(): EndTxn waits for the AddPartitionsToTxn before it", async () => {
  const topic = "txn-pipelined";
  // commits and immediate aborts in turn: each abort's transaction begins from CompleteCommit
  const plan: PlannedTransaction[] = Array.from({ length: TRANSACTIONS }, (_, t) => ({
    commit: t % 2 === 0,
    at_once: t % 2 === 1,
    records: [0, 1, 2].map((p): [number, string] => [p, `${topic}-t${t}-p${p}`]),
  }));
  store.faults?.set({ latencyMs: { PutObject: 30 } });
  try {
    expect(await runPlan(broker.bootstrap, topic, "txn-pipelined-producer", plan)).toEqual(plan.map((t) => (t.commit ? "committed" : "aborted")));
  } finally {
    store.faults?.clear();
  }
  await awaitStable(broker.bootstrap, topic, PARTITIONS);
  const committed = byPartition(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_committed"), PARTITIONS);
  expect(committed).toEqual([0, 1, 2].map((p) => plan.flatMap((t, n) => (t.commit ? [`${topic}-t${n}-p${p}`] : []))));
}, 120_000);
