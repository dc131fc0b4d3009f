// @platformatic/kafka 2.12.1 transactions (Producer({ transactionalId, idempotent }),
// beginTransaction, Transaction.send/addConsumer/addOffset/commit/abort) against one broker:
// commit and abort seen by read_committed and read_uncommitted consumers, an open transaction
// holding read_committed back, offsets committed through a transaction, and fencing.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tracingChannel } from "node:diagnostics_channel";
import { Admin, Consumer, type Message, type MessagesStream, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { byPartition, type Seen, TXN_BROKER_FLAGS, waitFor } from "./transactions-support.ts";

type StringMessage = Message<string, string, string, string>;

let broker: TestBroker;
const base = (clientId: string) => ({ clientId, bootstrapBrokers: [broker.bootstrap], retries: 5, retryDelay: 50 });
const open: { consumer: Consumer<string, string, string, string>; stream: MessagesStream<string, string, string, string> }[] = [];
const producers: Producer<string, string, string, string>[] = [];

// every consumer's completed fetches, from the client's diagnostics channel
const fetches = new Map<unknown, number>();
tracingChannel<{ client?: unknown }>("plt:kafka:consumer:fetches").subscribe({
  start() {},
  end() {},
  asyncStart() {},
  error() {},
  asyncEnd: (ctx) => void fetches.set(ctx.client, (fetches.get(ctx.client) ?? 0) + 1),
});

beforeAll(async () => {
  broker = await startBroker(TXN_BROKER_FLAGS);
  const admin = new Admin(base("admin"));
  await admin.createTopics({ topics: ["commit", "abort", "interleave", "ctp-in", "ctp-out", "fence"], partitions: 3, replicas: 1 });
  await admin.close();
});
afterAll(async () => {
  for (const { consumer, stream } of open) {
    await stream.close().catch(() => {});
    await consumer.close(true).catch(() => {});
  }
  await Promise.all(producers.map((p) => p.close().catch(() => {})));
  expect(await broker.stop()).toBe(0);
}, 30_000);

function producer(clientId: string, transactionalId?: string) {
  const p = new Producer({ ...base(clientId), serializers: stringSerializers, autocreateTopics: false, idempotent: true, transactionalId });
  producers.push(p);
  return p;
}

/** A group consumer of `topic` from the earliest offset at `isolationLevel`, keeping every message. */
async function collect(topic: string, groupId: string, isolationLevel: 0 | 1, handle?: (m: StringMessage) => void) {
  const consumer = new Consumer({ ...base(groupId), groupId, deserializers: stringDeserializers, sessionTimeout: 6000, heartbeatInterval: 500 });
  const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false, isolationLevel, maxWaitTime: 100 });
  open.push({ consumer, stream });
  const seen: Seen[] = [];
  stream.on("data", (m) => {
    seen.push({ partition: m.partition, offset: Number(m.offset), value: m.value ?? "" });
    handle?.(m);
  });
  const sees = (values: string[]) => waitFor(`${groupId} to see ${values.join(", ")}`, () => values.every((v) => seen.some((s) => s.value === v)));
  const fetchesMore = async (count: number) => {
    const target = (fetches.get(consumer) ?? 0) + count;
    await waitFor(`${count} more fetches`, () => (fetches.get(consumer) ?? 0) >= target);
  };
  return { consumer, seen, sees, fetchesMore, values: () => seen.map((s) => s.value) };
}

const spread = (tag: string, count: number, topic: string) => Array.from({ length: count }, (_, i) => ({ topic, value: `${tag}-${i}`, partition: i % 3 }));

async function markers(topic: string, tag: string): Promise<string[]> {
  const values = [0, 1, 2].map((p) => `${tag}-p${p}`);
  await producer(`markers-${topic}`).send({ acks: -1, messages: values.map((value, partition) => ({ topic, value, partition })) });
  return values;
}

/** Every Kafka error name (apiId) in a @platformatic/kafka error and the errors it wraps. */
function apiIds(e: unknown): string[] {
  if (typeof e !== "object" || e === null) return [];
  const { apiId, errors, cause } = e as { apiId?: unknown; errors?: unknown; cause?: unknown };
  return [...(typeof apiId === "string" ? [apiId] : []), ...(Array.isArray(errors) ? errors.flatMap(apiIds) : []), ...apiIds(cause)];
}

const failureOf = (action: Promise<unknown>) => action.then(() => ["(succeeded)"], apiIds);

const perPartition = (messages: { value: string; partition: number }[], tail: string[]) => [0, 1, 2].map((p) => [...messages.filter((m) => m.partition === p).map((m) => m.value), tail[p]!]);

describe("@platformatic/kafka 2.12.1 transactions", () => {
  test("commit: a read_committed consumer sees every record once, in order per partition", async () => {
    const p = producer("commit", "plt-commit");
    const txn = await p.beginTransaction();
    const messages = spread("c", 30, "commit");
    for (let i = 0; i < 30; i += 10) await txn.send({ acks: -1, messages: messages.slice(i, i + 10) });
    await txn.commit();
    const tail = await markers("commit", "end");
    const rc = await collect("commit", "commit-rc", 1);
    await rc.sees(tail);
    expect(byPartition(rc.seen, 3)).toEqual(perPartition(messages, tail));
  });

  test("abort: read_committed sees none of the records, read_uncommitted all", async () => {
    const p = producer("abort", "plt-abort");
    const txn = await p.beginTransaction();
    const messages = spread("a", 30, "abort");
    await txn.send({ acks: -1, messages });
    await txn.abort();
    const tail = await markers("abort", "end");
    const [rc, ru] = await Promise.all([collect("abort", "abort-rc", 1), collect("abort", "abort-ru", 0)]);
    await Promise.all([rc.sees(tail), ru.sees(tail)]);
    expect(byPartition(rc.seen, 3)).toEqual(tail.map((t) => [t]));
    expect(byPartition(ru.seen, 3)).toEqual(perPartition(messages, tail));
  });

  test("an open transaction holds read_committed back at its first record until it commits", async () => {
    const plain = producer("interleave-plain");
    await plain.send({ acks: -1, messages: [{ topic: "interleave", value: "before", partition: 0 }] });
    const p = producer("interleave", "plt-interleave");
    const txn = await p.beginTransaction();
    await txn.send({ acks: -1, messages: [{ topic: "interleave", value: "txn-0", partition: 0 }] });
    await plain.send({ acks: -1, messages: [{ topic: "interleave", value: "after", partition: 0 }] });

    const [rc, ru] = await Promise.all([collect("interleave", "interleave-rc", 1), collect("interleave", "interleave-ru", 0)]);
    await ru.sees(["after"]);
    expect(ru.values()).toEqual(["before", "txn-0", "after"]);
    await rc.sees(["before"]);
    await rc.fetchesMore(5);
    expect(rc.values()).toEqual(["before"]);
    expect((await rc.consumer.listOffsets({ topics: ["interleave"], isolationLevel: 1 })).get("interleave")?.[0]).toBe(1n);
    expect((await rc.consumer.listOffsets({ topics: ["interleave"], isolationLevel: 0 })).get("interleave")?.[0]).toBe(3n);

    await txn.commit();
    await rc.sees(["after"]);
    expect(rc.values()).toEqual(["before", "txn-0", "after"]);
  });

  test("consume-transform-produce: offsets added with addOffset reach the group only on commit", async () => {
    await producer("ctp-input").send({ acks: -1, messages: spread("in", 6, "ctp-in") });
    const p = producer("ctp", "plt-ctp");
    const received: StringMessage[] = [];
    const input = await collect("ctp-in", "plt-ctp-group", 1, (m) => received.push(m));
    await input.sees(spread("in", 6, "ctp-in").map((m) => m.value));
    const committed = async () => {
      const offsets = await input.consumer.listCommittedOffsets({ topics: [{ topic: "ctp-in", partitions: [0, 1, 2] }] });
      return offsets.get("ctp-in");
    };
    expect(await committed()).toEqual([-1n, -1n, -1n]);

    /** Transforms the records of `partition` in one transaction, adding their offsets to it. */
    const round = async (partition: number, commit: boolean, before: bigint[]) => {
      const txn = await p.beginTransaction();
      await txn.addConsumer(input.consumer);
      for (const m of received.filter((r) => r.partition === partition)) {
        await txn.send({ acks: -1, messages: [{ topic: "ctp-out", value: m.value.toUpperCase(), partition }] });
        await txn.addOffset(m);
      }
      // held by the transaction, not yet the group's
      expect(await committed()).toEqual(before);
      await (commit ? txn.commit() : txn.abort());
    };
    await round(0, true, [-1n, -1n, -1n]);
    expect(await committed()).toEqual([2n, -1n, -1n]);
    await round(1, false, [2n, -1n, -1n]);
    expect(await committed()).toEqual([2n, -1n, -1n]);

    const tail = await markers("ctp-out", "end");
    const out = await collect("ctp-out", "ctp-out-rc", 1);
    await out.sees(tail);
    expect(byPartition(out.seen, 3)).toEqual([["IN-0", "IN-3", tail[0]!], [tail[1]!], [tail[2]!]]);
  });

  test("a second instance of the transactional id fences the first and aborts its transaction", async () => {
    const first = producer("fence-1", "plt-fence");
    const t1 = await first.beginTransaction();
    await t1.send({ acks: -1, messages: [{ topic: "fence", value: "first-0", partition: 0 }] });
    // @platformatic/kafka 2.12.1 sends InitProducerId with producerId 0, epoch 0 unless told
    // (producer.js #initIdempotentProducer): a claim to hold producer id 0, which Kafka (and this
    // broker) answer PRODUCER_FENCED when the transactional id has another producer id. That
    // instance stays stuck with its failed transaction; a new one asking with -1/-1 takes over.
    expect(first.producerId).not.toBe(0n);
    expect(await failureOf(producer("fence-stale", "plt-fence").beginTransaction())).toEqual(["PRODUCER_FENCED"]);
    const second = producer("fence-2", "plt-fence");
    const t2 = await second.beginTransaction({ producerId: -1n, producerEpoch: -1 });
    expect(second.producerId).toBe(first.producerId!);
    expect(second.producerEpoch).toBeGreaterThan(first.producerEpoch!);

    // as Kafka: a stale epoch on Produce is INVALID_PRODUCER_EPOCH, on the coordinator's EndTxn (v2+, KIP-588) PRODUCER_FENCED
    expect(await failureOf(t1.send({ acks: -1, messages: [{ topic: "fence", value: "first-1", partition: 0 }] }))).toEqual(["INVALID_PRODUCER_EPOCH"]);
    expect(await failureOf(t1.commit())).toEqual(["PRODUCER_FENCED"]);
    await t2.send({ acks: -1, messages: [{ topic: "fence", value: "second-0", partition: 0 }] });
    await t2.commit();

    const tail = await markers("fence", "end");
    const rc = await collect("fence", "fence-rc", 1);
    await rc.sees(tail);
    expect(byPartition(rc.seen, 3)).toEqual([["second-0", tail[0]!], [tail[1]!], [tail[2]!]]);
  });
});
