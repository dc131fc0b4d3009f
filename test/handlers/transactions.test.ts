import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { OffsetFetchApi } from "../../src/protocol/generated/index.ts";
import { PREPARE_TAKEOVER_MS } from "../../src/transactions/context.ts";
import { sweepTransactions } from "../../src/transactions/sweep.ts";
import { call, testBroker } from "./broker.ts";
import { addOffsets, addPartitions, endTxn, fetchPartition, initProducer, produceTxn, txnOffsetCommit } from "./transactions.ts";

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

async function brokerWithTopic(args: string[] = []) {
  const broker = testBroker(args);
  await broker.engine.createTopic({ name: "t", partitionCount: 2, replicationFactor: 1, configs: {} });
  return broker;
}

const offsets = async (broker: Awaited<ReturnType<typeof brokerWithTopic>>, partition = 0) => {
  const o = await broker.engine.offsets("t", partition);
  if (o.errorCode !== 0) throw new Error("offsets failed");
  return { highWatermark: o.highWatermark, lastStableOffset: o.lastStableOffset };
};

describe("transactions through the handlers", () => {
  test("commit: markers in every partition before EndTxn answers; READ_COMMITTED sees data only below the LSO", async () => {
    const broker = await brokerWithTopic();
    const p = await initProducer(broker, "tx-commit");
    expect(p.errorCode).toBe(0);
    expect(await addPartitions(broker, p, "t", [0, 1])).toEqual([0, 0]);
    expect(await produceTxn(broker, p, "t", 0, 0, ["a", "b"])).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produceTxn(broker, p, "t", 1, 0, ["c"])).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await offsets(broker)).toEqual({ highWatermark: 2, lastStableOffset: 0 });
    const held = await fetchPartition(broker, "t", 0, READ_COMMITTED);
    expect(held).toMatchObject({ errorCode: 0, highWatermark: 2n, lastStableOffset: 0n, abortedTransactions: [] });
    expect(held.records?.byteLength).toBe(0);
    expect((await fetchPartition(broker, "t", 0, READ_UNCOMMITTED)).abortedTransactions).toBeNull();
    expect(await endTxn(broker, p, true)).toBe(0);
    expect(await offsets(broker, 0)).toEqual({ highWatermark: 3, lastStableOffset: 3 });
    expect(await offsets(broker, 1)).toEqual({ highWatermark: 2, lastStableOffset: 2 });
    // a retried EndTxn of the same outcome gets the same answer; the other outcome is refused
    expect(await endTxn(broker, p, true)).toBe(0);
    expect(await endTxn(broker, p, false)).toBe(ErrorCodes.INVALID_TXN_STATE);
  });

  test("abort: READ_COMMITTED gets the aborted transaction with the data it covers", async () => {
    const broker = await brokerWithTopic();
    const p = await initProducer(broker, "tx-abort");
    await addPartitions(broker, p, "t", [0]);
    await produceTxn(broker, p, "t", 0, 0, ["x"]);
    expect(await endTxn(broker, p, false)).toBe(0);
    const read = await fetchPartition(broker, "t", 0, READ_COMMITTED);
    expect(read.abortedTransactions).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
    expect(read.lastStableOffset).toBe(2n);
  });

  test("a transactional batch for a partition not in the transaction is INVALID_TXN_STATE and stores nothing", async () => {
    const broker = await brokerWithTopic();
    const p = await initProducer(broker, "tx-verify");
    expect((await produceTxn(broker, p, "t", 0, 0, ["x"])).errorCode).toBe(ErrorCodes.INVALID_TXN_STATE);
    await addPartitions(broker, p, "t", [1]);
    expect((await produceTxn(broker, p, "t", 0, 0, ["x"])).errorCode).toBe(ErrorCodes.INVALID_TXN_STATE);
    expect(await offsets(broker, 0)).toEqual({ highWatermark: 0, lastStableOffset: 0 });
    // after EndTxn the partition refuses the ended transaction's batches, even those this broker verified before
    await produceTxn(broker, p, "t", 1, 0, ["y"]);
    await endTxn(broker, p, true);
    expect((await produceTxn(broker, p, "t", 1, 1, ["late"])).errorCode).toBe(ErrorCodes.INVALID_TXN_STATE);
    // the next transaction of the producer is verified afresh
    await addPartitions(broker, p, "t", [1]);
    expect(await produceTxn(broker, p, "t", 1, 1, ["next"])).toEqual({ errorCode: 0, baseOffset: 2 });
  });

  test("state-machine violations answer Kafka's codes", async () => {
    const broker = await brokerWithTopic();
    const stranger = { transactionalId: "tx-none", producerId: 5n, producerEpoch: 0 };
    expect(await addPartitions(broker, stranger, "t", [0])).toEqual([ErrorCodes.INVALID_PRODUCER_ID_MAPPING]);
    expect(await endTxn(broker, stranger, true)).toBe(ErrorCodes.INVALID_PRODUCER_ID_MAPPING);
    const p = await initProducer(broker, "tx-states");
    expect(await endTxn(broker, p, true)).toBe(ErrorCodes.INVALID_TXN_STATE);
    expect(await addPartitions(broker, { ...p, producerId: p.producerId + 100n }, "t", [0])).toEqual([ErrorCodes.INVALID_PRODUCER_ID_MAPPING]);
    expect(await addPartitions(broker, { ...p, producerEpoch: p.producerEpoch + 1 }, "t", [0])).toEqual([ErrorCodes.PRODUCER_FENCED]);
    // v0-1 clients know INVALID_PRODUCER_EPOCH only
    expect(await addPartitions(broker, { ...p, producerEpoch: p.producerEpoch + 1 }, "t", [0], 1)).toEqual([ErrorCodes.INVALID_PRODUCER_EPOCH]);
    expect(await endTxn(broker, { ...p, producerEpoch: 9 }, true, 1)).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect(await addPartitions(broker, p, "unknown-topic", [0])).toEqual([ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await addPartitions(broker, p, "t", [0, 7])).toEqual([ErrorCodes.OPERATION_NOT_ATTEMPTED, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await txnOffsetCommit(broker, p, "g", "t", 0, 3)).toBe(ErrorCodes.INVALID_TXN_STATE);
    expect((await initProducer(broker, "tx-timeout", 900_001)).errorCode).toBe(ErrorCodes.INVALID_TRANSACTION_TIMEOUT);
    expect((await initProducer(broker, "tx-timeout", 0)).errorCode).toBe(ErrorCodes.INVALID_TRANSACTION_TIMEOUT);
    expect((await initProducer(broker, "")).errorCode).toBe(ErrorCodes.INVALID_REQUEST);
  });

  test("a new instance aborts the open transaction with a bumped epoch, fencing the old one", async () => {
    const broker = await brokerWithTopic();
    const old = await initProducer(broker, "tx-fence");
    await addPartitions(broker, old, "t", [0]);
    await produceTxn(broker, old, "t", 0, 0, ["zombie"]);
    const fresh = await initProducer(broker, "tx-fence");
    expect(fresh).toMatchObject({ errorCode: 0, producerId: old.producerId, producerEpoch: old.producerEpoch + 1 });
    expect(await offsets(broker)).toEqual({ highWatermark: 2, lastStableOffset: 2 });
    expect((await fetchPartition(broker, "t", 0, READ_COMMITTED)).abortedTransactions).toEqual([{ producerId: old.producerId, firstOffset: 0n }]);
    expect((await produceTxn(broker, old, "t", 0, 1, ["late"])).errorCode).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(broker, old, true)).toBe(ErrorCodes.PRODUCER_FENCED);
    expect(await addPartitions(broker, fresh, "t", [0])).toEqual([0]);
    expect(await produceTxn(broker, fresh, "t", 0, 0, ["ok"])).toEqual({ errorCode: 0, baseOffset: 2 });
  });

  test("offsets held by a transaction reach the group only on commit; requireStable sees them pending", async () => {
    const broker = await brokerWithTopic();
    const fetchOffset = async (requireStable: boolean) => {
      const r = await call(broker, OffsetFetchApi, 7, { groupId: "g", topics: [{ name: "t", partitionIndexes: [0] }], groups: [], requireStable });
      return r.topics[0]?.partitions[0];
    };
    const p = await initProducer(broker, "tx-offsets");
    expect(await addOffsets(broker, p, "g")).toBe(0);
    expect(await txnOffsetCommit(broker, p, "g", "t", 0, 42)).toBe(0);
    expect(await fetchOffset(false)).toMatchObject({ committedOffset: -1n, errorCode: 0 });
    expect(await fetchOffset(true)).toMatchObject({ errorCode: ErrorCodes.UNSTABLE_OFFSET_COMMIT });
    expect(await endTxn(broker, p, false)).toBe(0);
    expect(await fetchOffset(true)).toMatchObject({ committedOffset: -1n, errorCode: 0 });
    await addOffsets(broker, p, "g");
    await txnOffsetCommit(broker, p, "g", "t", 0, 43);
    expect(await endTxn(broker, p, true)).toBe(0);
    expect(await fetchOffset(true)).toMatchObject({ committedOffset: 43n, errorCode: 0 });
  });

  test("a transaction past its timeout is aborted by the sweep, its producer fenced", async () => {
    const broker = await brokerWithTopic();
    const p = await initProducer(broker, "tx-slow", 50);
    await addPartitions(broker, p, "t", [0]);
    await produceTxn(broker, p, "t", 0, 0, ["late"]);
    await Bun.sleep(80);
    await sweepTransactions({ engine: broker.engine, log: broker.log, maxTimeoutMs: 900_000 }, { transactionalIdExpirationMs: 604_800_000 });
    expect(await offsets(broker)).toEqual({ highWatermark: 2, lastStableOffset: 2 });
    expect(await endTxn(broker, p, true)).toBe(ErrorCodes.PRODUCER_FENCED);
  });

  test("a decision left half-written (broker died after PrepareCommit) is finished by the next caller, same outcome", async () => {
    const broker = await brokerWithTopic();
    const p = await initProducer(broker, "tx-crash");
    await addPartitions(broker, p, "t", [0, 1]);
    await produceTxn(broker, p, "t", 0, 0, ["a"]);
    await produceTxn(broker, p, "t", 1, 0, ["b"]);
    // what a broker leaves behind when it dies after deciding and writing one of two markers
    const stored = await broker.engine.getTransaction("tx-crash");
    if (stored === null) throw new Error("no state");
    const prepared = { ...JSON.parse(stored.state), state: "PrepareCommit", txnLastUpdateTimestamp: Date.now() };
    expect((await broker.engine.putTransaction("tx-crash", JSON.stringify(prepared), stored.version)).ok).toBe(true);
    await broker.engine.writeTxnMarker("t", 0, { producerId: Number(p.producerId), producerEpoch: p.producerEpoch, commit: true, coordinatorEpoch: 0, verificationGuard: prepared.verificationGuard });
    expect(await addPartitions(broker, p, "t", [0])).toEqual([ErrorCodes.CONCURRENT_TRANSACTIONS]);
    prepared.txnLastUpdateTimestamp = Date.now() - PREPARE_TAKEOVER_MS - 1;
    const now = await broker.engine.getTransaction("tx-crash");
    await broker.engine.putTransaction("tx-crash", JSON.stringify(prepared), now?.version ?? null);
    expect(await addPartitions(broker, p, "t", [0])).toEqual([0]);
    expect(await offsets(broker, 1)).toEqual({ highWatermark: 2, lastStableOffset: 2 });
    expect((await fetchPartition(broker, "t", 1, READ_COMMITTED)).abortedTransactions).toEqual([]);
  });
});
