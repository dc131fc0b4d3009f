// Transactions on two broker processes over one store (one SQLite file; the project's S3 test
// server): a kafkajs producer whose connection moves from broker A to broker B in the middle of a
// transaction commits it, and read_committed consumers on either broker see exactly its records;
// a timed-out transaction is aborted exactly once though both brokers sweep; a second instance
// of a transactional id on B fences the first on A. kafkajs knows one address, a
// proxy both brokers advertise (test/support/switch-proxy.ts), which moves its connections.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Kafka } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startS3Server, type S3Server } from "../support/s3-server/index.ts";
import { startSwitchProxy, type SwitchProxy } from "../support/switch-proxy.ts";
import { byPartition, Collector, committedOffsets, createTopic, describeTransaction, failureOf, kafkaFor, latestOffsets, sendMarkers, sqliteFile, TXN_BROKER_FLAGS, waitFor } from "./transactions-support.ts";

const API = { produce: 0, initProducerId: 22, addPartitionsToTxn: 24, addOffsetsToTxn: 25, endTxn: 26, txnOffsetCommit: 28 };

interface Store {
  url: string;
  env: (broker: number) => Record<string, string>;
  cleanup(): Promise<void>;
}

function sqliteStore(): Store {
  const file = sqliteFile("txn-brokers");
  return { url: file.url, env: () => ({}), cleanup: async () => file.cleanup() };
}

function s3Store(): Store {
  const s3: S3Server = startS3Server({ buckets: ["tansu"] });
  return {
    url: `s3://tansu/txn-${Date.now().toString(36)}`,
    env: (broker) => ({ AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: `broker-${broker}`, AWS_SECRET_ACCESS_KEY: "secret" }),
    cleanup: () => s3.stop(),
  };
}

const txnProducer = (kafka: Kafka, transactionalId: string) => kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });

for (const [kind, open] of [["sqlite", sqliteStore], ["s3", s3Store]] as const) {
  describe(`transactions across two brokers on one ${kind} store`, () => {
    let store: Store;
    let proxy: SwitchProxy;
    let a: TestBroker;
    let b: TestBroker;
    let kafka: Kafka;

    /** What a read_committed consumer of `topic` gets through the proxy pointed at `broker`, stopped once it saw `until`. */
    async function readCommitted(broker: TestBroker, topic: string, group: string, until: string[]) {
      await proxy.switchTo(broker.port);
      const rc = await Collector.start(kafka, topic, group, false);
      try {
        await rc.sees(until);
        return rc.seen;
      } finally {
        await rc.stop();
      }
    }

    beforeAll(async () => {
      store = open();
      proxy = startSwitchProxy(0);
      const flags = ["--storage-engine", store.url, "--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`, ...TXN_BROKER_FLAGS];
      a = await startBroker(flags, store.env(0));
      b = await startBroker(flags, store.env(1));
      await proxy.switchTo(a.port);
      kafka = kafkaFor(proxy.bootstrap, `txn-brokers-${kind}`, 20);
    });
    afterAll(async () => {
      proxy.stop();
      for (const broker of [a, b]) if (broker !== undefined) expect(await broker.stop()).toBe(0);
      await store.cleanup();
    });

    test("a transaction begun on broker A, continued and committed on broker B: read_committed on either sees it exactly", async () => {
      await proxy.switchTo(a.port);
      await createTopic(kafka, "moved", 3);
      await createTopic(kafka, "moved-in", 3);
      const producer = txnProducer(kafka, "txn-moved");
      await producer.connect();
      const txn = await producer.transaction();
      const onA = [0, 1, 2, 3].map((i) => ({ value: `on-a-${i}`, partition: i % 2 }));
      await txn.send({ topic: "moved", acks: -1, messages: onA });
      const before = proxy.requests.length;

      await proxy.switchTo(b.port);
      const onB = [0, 1, 2, 3].map((i) => ({ value: `on-b-${i}`, partition: 1 + (i % 2) }));
      await txn.send({ topic: "moved", acks: -1, messages: onB.slice(0, 2) });
      await txn.send({ topic: "moved", acks: -1, messages: onB.slice(2) });
      await txn.sendOffsets({ consumerGroupId: "moved-group", topics: [{ topic: "moved-in", partitions: [{ partition: 0, offset: "7" }] }] });
      expect(await committedOffsets(kafka, "moved-group", "moved-in")).toEqual([-1, -1, -1]);
      await txn.commit();
      await producer.disconnect();

      // the transaction really was split: begun and written on A, ended on B, nothing after the move on A
      expect([...proxy.apiKeysTo(a.port)]).toEqual(expect.arrayContaining([API.initProducerId, API.addPartitionsToTxn, API.produce]));
      const afterMove = proxy.requests.slice(before);
      expect(afterMove.filter((r) => r.target === a.port)).toEqual([]);
      expect(afterMove.map((r) => r.apiKey)).toEqual(expect.arrayContaining([API.addPartitionsToTxn, API.produce, API.addOffsetsToTxn, API.txnOffsetCommit, API.endTxn]));
      expect((await describeTransaction(a.bootstrap, "txn-moved")).transactionState).toBe("CompleteCommit");
      expect(await committedOffsets(kafka, "moved-group", "moved-in")).toEqual([7, -1, -1]);

      const markers = await sendMarkers(kafka, "moved", 3, "end");
      const expected = [0, 1, 2].map((p) => [...[...onA, ...onB].filter((m) => m.partition === p).map((m) => m.value), markers[p]!]);
      for (const [i, broker] of [a, b].entries()) {
        expect(byPartition(await readCommitted(broker, "moved", `moved-rc-${i}`, markers), 3)).toEqual(expected);
        // straight to each broker (no proxy): nothing left unstable
        expect(await latestOffsets(broker.bootstrap, "moved", 3, 1)).toEqual(await latestOffsets(broker.bootstrap, "moved", 3, 0));
      }
    });

    test("an aborted transaction moved from A to B is invisible to read_committed on both", async () => {
      await proxy.switchTo(a.port);
      await createTopic(kafka, "moved-abort", 2);
      const producer = txnProducer(kafka, "txn-moved-abort");
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: "moved-abort", acks: -1, messages: [{ value: "x-0", partition: 0 }] });
      await proxy.switchTo(b.port);
      await txn.send({ topic: "moved-abort", acks: -1, messages: [{ value: "x-1", partition: 1 }] });
      await txn.abort();
      await producer.disconnect();
      const markers = await sendMarkers(kafka, "moved-abort", 2, "end");
      for (const [i, broker] of [a, b].entries()) {
        expect(byPartition(await readCommitted(broker, "moved-abort", `moved-abort-rc-${i}`, markers), 2)).toEqual(markers.map((m) => [m]));
      }
    });

    test("a timed-out transaction is aborted once, though both brokers sweep for it", async () => {
      await proxy.switchTo(a.port);
      await createTopic(kafka, "swept", 2);
      const producer = kafka.producer({ transactionalId: "txn-swept", transactionTimeout: 1000, maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: "swept", acks: -1, messages: [0, 1, 2].map((i) => ({ value: `doomed-${i}`, partition: i % 2 })) });
      await waitFor("a sweep to abort the transaction", async () => (await describeTransaction(b.bootstrap, "txn-swept")).transactionState === "CompleteAbort");
      const markers = await sendMarkers(kafka, "swept", 2, "end");
      // data, one ABORT marker, the end marker: a second ABORT marker would take one more offset
      expect(await latestOffsets(b.bootstrap, "swept", 2, 0)).toEqual([4, 3]);
      expect(await latestOffsets(a.bootstrap, "swept", 2, 1)).toEqual([4, 3]);
      expect((await describeTransaction(a.bootstrap, "txn-swept")).producerEpoch).toBe(1);
      for (const [i, broker] of [a, b].entries()) {
        expect(byPartition(await readCommitted(broker, "swept", `swept-rc-${i}`, markers), 2)).toEqual(markers.map((m) => [m]));
      }
      await producer.disconnect();
    });

    test("a second instance of the transactional id on broker B fences the first on broker A", async () => {
      await proxy.switchTo(a.port);
      await createTopic(kafka, "fence-brokers", 2);
      const first = txnProducer(kafka, "txn-fence-brokers");
      await first.connect();
      const t1 = await first.transaction();
      await t1.send({ topic: "fence-brokers", acks: -1, messages: [{ value: "first-0", partition: 0 }, { value: "first-1", partition: 1 }] });

      await proxy.switchTo(b.port);
      const mark = proxy.requests.length;
      const second = kafkaFor(proxy.bootstrap, "second-instance", 20).producer({ transactionalId: "txn-fence-brokers", maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });
      await second.connect();
      const t2 = await second.transaction();
      // connect's InitProducerId (idempotent, no transactional id), then transaction()'s: both on B
      const inits = proxy.requests.slice(mark).filter((r) => r.apiKey === API.initProducerId);
      expect(inits.length).toBeGreaterThanOrEqual(1);
      expect(inits.every((r) => r.target === b.port)).toBe(true);

      // back to A for the first instance: A learns of the fence from the store alone
      await proxy.switchTo(a.port);
      const resumed = proxy.requests.length;
      expect(await failureOf(() => t1.send({ topic: "fence-brokers", acks: -1, messages: [{ value: "first-late", partition: 0 }] }))).toContain("INVALID_PRODUCER_EPOCH");
      expect(await failureOf(() => t1.commit())).toContain("INVALID_PRODUCER_EPOCH");
      expect(proxy.requests.slice(resumed).every((r) => r.target === a.port)).toBe(true);
      expect(proxy.requests.slice(resumed).map((r) => r.apiKey)).toEqual(expect.arrayContaining([API.produce, API.endTxn]));

      await proxy.switchTo(b.port);
      await t2.send({ topic: "fence-brokers", acks: -1, messages: [{ value: "second-0", partition: 0 }, { value: "second-1", partition: 1 }] });
      await t2.commit();
      await Promise.all([first.disconnect(), second.disconnect()]);

      const markers = await sendMarkers(kafka, "fence-brokers", 2, "end");
      for (const [i, broker] of [a, b].entries()) {
        expect(byPartition(await readCommitted(broker, "fence-brokers", `fence-rc-${i}`, markers), 2)).toEqual([["second-0", markers[0]!], ["second-1", markers[1]!]]);
      }
    });
  });
}
