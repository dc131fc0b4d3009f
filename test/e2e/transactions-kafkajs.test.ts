// kafkajs 2.2.4 transactions against one broker, on memory:// and on a SQLite file: commit, abort,
// transactions spanning several fetches, an open transaction holding back read_committed consumers, consume-transform-produce with
// sendOffsets, fencing by a second instance, the timeout sweep, and the admin view
// (DescribeTransactions/ListTransactions, raw: kafkajs has no call for them).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Kafka } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { byPartition, Collector, committedOffsets, createTopic, describeTransaction, failureOf, kafkaFor } from "./transactions-support.ts";
import { latestOffsets, listTransactions, sendMarkers, sqliteFile, TXN_BROKER_FLAGS, waitFor } from "./transactions-support.ts";

// kafkajs 2.2.4 knows no PRODUCER_FENCED (90): its requests are old enough that the broker answers
// INVALID_PRODUCER_EPOCH (47) for a fenced producer, as Kafka does (KIP-588).
const FENCED = "INVALID_PRODUCER_EPOCH";

const txnProducer = (kafka: Kafka, transactionalId: string, transactionTimeout?: number) =>
  kafka.producer({ transactionalId, transactionTimeout, maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });

/** `count` messages with values tagged `tag`, spread round-robin over `partitions`. */
const spread = (tag: string, count: number, partitions: number) => Array.from({ length: count }, (_, i) => ({ value: `${tag}-${i}`, partition: i % partitions }));

const stores = [
  ["memory", () => ({ url: "memory://", cleanup: () => {} })],
  ["sqlite", () => sqliteFile("txn-kafkajs")],
] as const;

for (const [kind, open] of stores) {
  describe(`kafkajs transactions on ${kind}://`, () => {
    let store: { url: string; cleanup(): void };
    let broker: TestBroker;
    let kafka: Kafka;
    const collectors: Collector[] = [];
    const collect = async (topic: string, group: string, readUncommitted: boolean, maxBytesPerPartition?: number) => {
      const c = await Collector.start(kafka, topic, `${group}-${readUncommitted ? "ru" : "rc"}`, readUncommitted, maxBytesPerPartition);
      collectors.push(c);
      return c;
    };

    beforeAll(async () => {
      store = open();
      broker = await startBroker(["--storage-engine", store.url, ...TXN_BROKER_FLAGS]);
      kafka = kafkaFor(broker.bootstrap, `txn-${kind}`);
    });
    afterAll(async () => {
      await Promise.all(collectors.map((c) => c.stop().catch(() => {})));
      expect(await broker.stop()).toBe(0);
      store.cleanup();
    });

    test("(a) commit: a read_committed consumer sees every record of 3 partitions once, in order", async () => {
      await createTopic(kafka, "commit", 3);
      const producer = txnProducer(kafka, "txn-commit");
      await producer.connect();
      const txn = await producer.transaction();
      const messages = spread("c", 30, 3);
      for (let i = 0; i < 30; i += 10) await txn.send({ topic: "commit", acks: -1, messages: messages.slice(i, i + 10) });
      await txn.commit();
      await producer.disconnect();
      const markers = await sendMarkers(kafka, "commit", 3, "after-commit");

      const rc = await collect("commit", "commit", false);
      await rc.sees(markers);
      const expected = [0, 1, 2].map((p) => [...messages.filter((m) => m.partition === p).map((m) => m.value), markers[p]!]);
      expect(byPartition(rc.seen, 3)).toEqual(expected);
      // one control record (the COMMIT marker) per partition; nothing left unstable
      expect(await latestOffsets(broker.bootstrap, "commit", 3, 1)).toEqual([12, 12, 12]);
      expect(await latestOffsets(broker.bootstrap, "commit", 3, 0)).toEqual([12, 12, 12]);
    });

    test("(b) abort: read_committed sees none of the records, read_uncommitted all", async () => {
      await createTopic(kafka, "abort", 3);
      const producer = txnProducer(kafka, "txn-abort");
      await producer.connect();
      const txn = await producer.transaction();
      const messages = spread("a", 30, 3);
      await txn.send({ topic: "abort", acks: -1, messages });
      await txn.abort();
      await producer.disconnect();
      const markers = await sendMarkers(kafka, "abort", 3, "after-abort");

      const [rc, ru] = await Promise.all([collect("abort", "abort", false), collect("abort", "abort", true)]);
      await Promise.all([rc.sees(markers), ru.sees(markers)]);
      expect(byPartition(rc.seen, 3)).toEqual(markers.map((m) => [m]));
      expect(byPartition(ru.seen, 3)).toEqual([0, 1, 2].map((p) => [...messages.filter((m) => m.partition === p).map((m) => m.value), markers[p]!]));
    });

    test("(b') aborted and committed transactions larger than one fetch: read_committed gets exactly the committed ones", async () => {
      await createTopic(kafka, "big", 1);
      const producer = txnProducer(kafka, "txn-big");
      await producer.connect();
      const pad = "p".repeat(200);
      const committed: string[] = [];
      for (const [round, commit] of [false, true, false, false, true].entries()) {
        const txn = await producer.transaction();
        const values = Array.from({ length: 300 }, (_, i) => `r${round}-${i}-${pad}`);
        for (let i = 0; i < values.length; i += 50) await txn.send({ topic: "big", acks: -1, messages: values.slice(i, i + 50).map((value) => ({ value, partition: 0 })) });
        await (commit ? txn.commit() : txn.abort());
        if (commit) committed.push(...values);
      }
      await producer.disconnect();
      const markers = await sendMarkers(kafka, "big", 1, "end");
      // 16 KiB a fetch: each transaction (~65 KiB) spans several responses, its marker in a later one
      const rc = await collect("big", "big", false, 16 << 10);
      await rc.sees(markers);
      expect(rc.values()).toEqual([...committed, ...markers]);
      expect(rc.fetches).toBeGreaterThan(10);
    });

    test("(c) an open transaction holds read_committed back at its first record until it commits", async () => {
      await createTopic(kafka, "interleave", 1);
      const plain = kafka.producer({ allowAutoTopicCreation: false });
      await plain.connect();
      const producer = txnProducer(kafka, "txn-interleave");
      await producer.connect();
      await plain.send({ topic: "interleave", acks: -1, messages: [{ value: "before", partition: 0 }] });
      const txn = await producer.transaction();
      await txn.send({ topic: "interleave", acks: -1, messages: [{ value: "txn-0", partition: 0 }, { value: "txn-1", partition: 0 }] });
      await plain.send({ topic: "interleave", acks: -1, messages: [{ value: "after", partition: 0 }] });

      const [rc, ru] = await Promise.all([collect("interleave", "interleave", false), collect("interleave", "interleave", true)]);
      await ru.sees(["before", "txn-0", "txn-1", "after"]);
      expect(ru.values()).toEqual(["before", "txn-0", "txn-1", "after"]);
      await rc.sees(["before"]);
      await rc.fetchesMore(5);
      expect(rc.values()).toEqual(["before"]);
      // the last stable offset is the open transaction's first offset
      expect(await latestOffsets(broker.bootstrap, "interleave", 1, 1)).toEqual([1]);
      expect(await latestOffsets(broker.bootstrap, "interleave", 1, 0)).toEqual([4]);

      await txn.commit();
      await rc.sees(["after"]);
      expect(rc.values()).toEqual(["before", "txn-0", "txn-1", "after"]);
      expect(await latestOffsets(broker.bootstrap, "interleave", 1, 1)).toEqual([5]);
      await Promise.all([plain.disconnect(), producer.disconnect()]);
    });

    test("(d) consume-transform-produce: sendOffsets reach the group only when the transaction commits", async () => {
      await createTopic(kafka, "ctp-in", 2);
      await createTopic(kafka, "ctp-out", 2);
      const plain = kafka.producer({ allowAutoTopicCreation: false });
      await plain.connect();
      await plain.send({ topic: "ctp-in", acks: -1, messages: spread("in", 20, 2) });
      await plain.disconnect();
      const input = await collect("ctp-in", "ctp-reader", true);
      await input.sees(spread("in", 20, 2).map((m) => m.value));
      const group = "ctp-group";
      const producer = txnProducer(kafka, "txn-ctp");
      await producer.connect();

      /** Transforms the first `upTo` records of each input partition in one transaction. */
      const round = async (upTo: number, commit: boolean, committedBefore: number[]) => {
        const txn = await producer.transaction();
        const picked = input.seen.filter((s) => s.offset < upTo);
        await txn.send({ topic: "ctp-out", acks: -1, messages: picked.map((s) => ({ value: s.value.toUpperCase(), partition: s.partition })) });
        await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: "ctp-in", partitions: [0, 1].map((partition) => ({ partition, offset: String(upTo) })) }] });
        // pending in the transaction: the group's committed offsets have not moved yet
        expect(await committedOffsets(kafka, group, "ctp-in")).toEqual(committedBefore);
        await (commit ? txn.commit() : txn.abort());
      };
      await round(5, true, [-1, -1]);
      expect(await committedOffsets(kafka, group, "ctp-in")).toEqual([5, 5]);
      await round(10, false, [5, 5]);
      expect(await committedOffsets(kafka, group, "ctp-in")).toEqual([5, 5]);
      await producer.disconnect();

      const markers = await sendMarkers(kafka, "ctp-out", 2, "end");
      const out = await collect("ctp-out", "ctp-out", false);
      await out.sees(markers);
      const firstFive = input.seen.filter((s) => s.offset < 5);
      expect(byPartition(out.seen, 2)).toEqual([0, 1].map((p) => [...firstFive.filter((s) => s.partition === p).map((s) => s.value.toUpperCase()), markers[p]!]));
    });

    test("(e) a second instance with the same transactionalId fences the first and aborts its transaction", async () => {
      await createTopic(kafka, "fence", 2);
      const first = txnProducer(kafka, "txn-fence");
      await first.connect();
      const t1 = await first.transaction();
      await t1.send({ topic: "fence", acks: -1, messages: spread("first", 4, 2) });

      const second = txnProducer(kafka, "txn-fence");
      await second.connect();
      const t2 = await second.transaction();
      const sendFailure = await failureOf(() => t1.send({ topic: "fence", acks: -1, messages: [{ value: "first-late", partition: 0 }] }));
      expect(sendFailure).toContain(FENCED);
      const commitFailure = await failureOf(() => t1.commit());
      expect(commitFailure).toContain(FENCED);
      await t2.send({ topic: "fence", acks: -1, messages: spread("second", 4, 2) });
      await t2.commit();
      await Promise.all([first.disconnect(), second.disconnect()]);

      const markers = await sendMarkers(kafka, "fence", 2, "end");
      const rc = await collect("fence", "fence", false);
      await rc.sees(markers);
      expect(byPartition(rc.seen, 2)).toEqual([["second-0", "second-2", markers[0]!], ["second-1", "second-3", markers[1]!]]);
      expect((await describeTransaction(broker.bootstrap, "txn-fence")).transactionState).toBe("CompleteCommit");
    });

    test("(f) a transaction past its timeout is aborted by the sweep: read_committed moves on, commit fails", async () => {
      await createTopic(kafka, "timeout", 1);
      const producer = txnProducer(kafka, "txn-timeout", 1000);
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: "timeout", acks: -1, messages: [{ value: "doomed-0", partition: 0 }, { value: "doomed-1", partition: 0 }] });
      const [after] = await sendMarkers(kafka, "timeout", 1, "after");

      const rc = await collect("timeout", "timeout", false);
      // the record after the transaction reaches read_committed only once the sweep aborted it
      await waitFor("the sweep to abort the transaction", async () => (await describeTransaction(broker.bootstrap, "txn-timeout")).transactionState === "CompleteAbort");
      await rc.sees([after!]);
      expect(rc.values()).toEqual([after!]);
      expect(await latestOffsets(broker.bootstrap, "timeout", 1, 1)).toEqual(await latestOffsets(broker.bootstrap, "timeout", 1, 0));
      // a new transactional id starts at epoch 0; the sweep's abort bumped it, fencing the producer
      expect((await describeTransaction(broker.bootstrap, "txn-timeout")).producerEpoch).toBe(1);
      expect(await failureOf(() => txn.commit())).toContain(FENCED);
      await producer.disconnect();
    });

    test("(g) DescribeTransactions and ListTransactions show an open transaction, then its outcome", async () => {
      await createTopic(kafka, "admin-view", 3);
      const producer = txnProducer(kafka, "txn-admin", 45_000);
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: "admin-view", acks: -1, messages: [{ value: "x", partition: 0 }, { value: "y", partition: 2 }] });

      const open = await describeTransaction(broker.bootstrap, "txn-admin");
      expect(open.errorCode).toBe(0);
      expect(open.transactionState).toBe("Ongoing");
      expect(open.transactionTimeoutMs).toBe(45_000);
      expect(open.producerId).toBeGreaterThanOrEqual(0n);
      expect(open.transactionStartTimeMs).toBeGreaterThan(0n);
      expect(open.topics.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort() }))).toEqual([{ topic: "admin-view", partitions: [0, 2] }]);
      expect((await listTransactions(broker.bootstrap)).get("txn-admin")).toBe("Ongoing");

      await txn.commit();
      await producer.disconnect();
      const done = await describeTransaction(broker.bootstrap, "txn-admin");
      expect({ state: done.transactionState, topics: done.topics, producerId: done.producerId }).toEqual({ state: "CompleteCommit", topics: [], producerId: open.producerId });
      expect((await listTransactions(broker.bootstrap)).get("txn-admin")).toBe("CompleteCommit");
      // TRANSACTIONAL_ID_NOT_FOUND
      expect((await describeTransaction(broker.bootstrap, "never-used")).errorCode).toBe(105);
    });
  });
}
