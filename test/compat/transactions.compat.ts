// Transactions with confluent-kafka-python 1.7.0 (librdkafka 2.0.2) and kcat on one broker over a
// SQLite file: a transactional producer's committed and aborted transactions seen by
// read_committed and read_uncommitted consumers; a transaction left open by a producer that went
// away holds the last stable offset until the broker's sweep aborts it; and a
// consume-transform-produce loop (send_offsets_to_transaction) whose output holds each input
// record exactly once, with the group's offsets committed along.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { python } from "./support/python.ts";
import { awaitStable, byPartition, kcatReadCommitted, type PlannedTransaction, readTopic, runPlan, topicEnds, txnClient } from "./support/transactions.ts";

const PARTITIONS = 3;

let broker: TestBroker;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-txn-compat-"));
  broker = await startBroker(["--storage-engine", `sqlite://${join(dir, "txn.db")}`, "--transaction-abort-timed-out-transaction-cleanup-interval-ms", "500"]);
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

const create = (topic: string) => python("confluent_client.py", "create", { bootstrap: broker.bootstrap, topic, partitions: PARTITIONS });

/** `count` transactions of `size` records over every partition; those numbered in `aborted` abort. */
function plan(run: string, count: number, size: number, aborted: readonly number[]): PlannedTransaction[] {
  return Array.from({ length: count }, (_, t) => ({
    commit: !aborted.includes(t),
    records: Array.from({ length: size }, (_, i): [number, string] => [(t + i) % PARTITIONS, `${run}-t${t}-r${i}`]),
  }));
}

/** The values each partition should hold, in order, counting only the transactions `keep` accepts. */
function expected(transactions: readonly PlannedTransaction[], keep: (t: PlannedTransaction) => boolean): string[][] {
  const out = Array.from({ length: PARTITIONS }, () => [] as string[]);
  for (const t of transactions) if (keep(t)) for (const [p, v] of t.records) out[p]!.push(v);
  return out;
}

describe("confluent-kafka transactional producer", () => {
  test("read_committed sees exactly the committed transactions, read_uncommitted all, kcat as read_committed", async () => {
    const topic = "txn-plan";
    await create(topic);
    const transactions = plan(topic, 8, 7, [1, 4, 5]);
    expect(await runPlan(broker.bootstrap, topic, "txn-plan-producer", transactions)).toEqual(transactions.map((t) => (t.commit ? "committed" : "aborted")));
    const high = await awaitStable(broker.bootstrap, topic, PARTITIONS);
    // 56 records and a marker after each of the 8 transactions in each partition it wrote to
    expect(high.reduce((a, b) => a + b, 0)).toBe(56 + 8 * PARTITIONS);

    const committed = byPartition(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_committed"), PARTITIONS);
    expect(committed).toEqual(expected(transactions, (t) => t.commit));
    const all = byPartition(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_uncommitted"), PARTITIONS);
    expect(all).toEqual(expected(transactions, () => true));
    expect(byPartition(await kcatReadCommitted(broker.bootstrap, topic), PARTITIONS)).toEqual(committed);
  });

  test("a transaction left open holds the last stable offset until the sweep aborts it", async () => {
    const topic = "txn-open";
    await create(topic);
    const open = [0, 1, 2].map((p): [number, string] => [p, `${topic}-open-${p}`]);
    await txnClient("hang", { bootstrap: broker.bootstrap, topic, transactional_id: "txn-open-gone", timeout_ms: 10_000, records: open });
    const later = plan(topic, 2, 6, []);
    await runPlan(broker.bootstrap, topic, "txn-open-later", later);
    // the open transaction's records are each partition's first: nothing is stable yet
    expect(await topicEnds(broker.bootstrap, topic, PARTITIONS, "read_committed")).toEqual([0, 0, 0]);
    expect(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_committed")).toEqual([]);

    await awaitStable(broker.bootstrap, topic, PARTITIONS, 30_000);
    const committed = byPartition(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_committed"), PARTITIONS);
    expect(committed).toEqual(expected(later, () => true));
    const all = byPartition(await readTopic(broker.bootstrap, topic, PARTITIONS, "read_uncommitted"), PARTITIONS);
    expect(all).toEqual(open.map(([p, v]) => [v, ...expected(later, () => true)[p]!]));
  });

  test("consume-transform-produce: each committed input record once in the output, offsets committed with it", async () => {
    const [input, output, group] = ["txn-ctp-in", "txn-ctp-out", "txn-ctp-group"];
    await create(input);
    await create(output);
    const transactions = plan(input, 8, 25, [2, 6]);
    await runPlan(broker.bootstrap, input, "txn-ctp-source", transactions);
    const inputs = expected(transactions, (t) => t.commit).flat();
    const result = await txnClient<{ processed: number; aborted: number }>("ctp", { bootstrap: broker.bootstrap, input, output, group, transactional_id: "txn-ctp-transformer", expect: inputs.length });
    expect(result).toMatchObject({ processed: inputs.length, aborted: 1 });

    await awaitStable(broker.bootstrap, output, PARTITIONS);
    const outputs = (await readTopic(broker.bootstrap, output, PARTITIONS, "read_committed")).map((r) => r.v);
    expect(outputs.sort()).toEqual(inputs.map((v) => `out:${v}`).sort());
    // the aborted first batch is in the log, hidden
    expect((await readTopic(broker.bootstrap, output, PARTITIONS, "read_uncommitted")).length).toBeGreaterThan(outputs.length);

    const last = await readTopic(broker.bootstrap, input, PARTITIONS, "read_committed");
    const high = await topicEnds(broker.bootstrap, input, PARTITIONS, "read_uncommitted");
    const { committed } = await python<{ committed: number[] }>("confluent_client.py", "committed", { bootstrap: broker.bootstrap, group, topic: input, partitions: PARTITIONS });
    for (let p = 0; p < PARTITIONS; p++) {
      const lastRecord = Math.max(...last.filter((r) => r.p === p).map((r) => r.o));
      expect(committed[p]).toBeGreaterThan(lastRecord);
      expect(committed[p]).toBeLessThanOrEqual(high[p]!);
    }
  });
});
