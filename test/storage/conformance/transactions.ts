import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import { readBatchHeader } from "../../../src/protocol/records/index.ts";
import type { Engine, TxnMarker } from "../../../src/storage/engine.ts";
import { testBatch } from "../record-batch.ts";
import { appendOk, readAll, type ConformanceContext } from "./context.ts";

const txnBatch = (producerId: number, producerEpoch: number, baseSequence: number, verificationGuard: number, recordCount = 1) =>
  testBatch({ producerId, producerEpoch, baseSequence, recordCount, isTransactional: true, verificationGuard, payload: `${producerId}/${baseSequence}` });

const marker = (producerId: number, producerEpoch: number, commit: boolean, verificationGuard: number): TxnMarker => ({
  producerId,
  producerEpoch,
  commit,
  coordinatorEpoch: 0,
  verificationGuard,
});

async function markerOk(engine: Engine, topic: string, partition: number, m: TxnMarker): Promise<number | null> {
  const result = await engine.writeTxnMarker(topic, partition, m);
  if (result.errorCode !== 0) throw new Error(`writeTxnMarker failed with ${result.errorCode}`);
  return result.offset;
}

async function offsetsOf(engine: Engine, topic: string, partition = 0) {
  const result = await engine.offsets(topic, partition);
  if (result.errorCode !== 0) throw new Error(`offsets failed with ${result.errorCode}`);
  return { highWatermark: result.highWatermark, lastStableOffset: result.lastStableOffset };
}

export function transactionCases(ctx: ConformanceContext): void {
  test("an open transaction holds the lastStableOffset at its first offset until its marker", async () => {
    const topic = await ctx.createTopic("lso");
    await appendOk(ctx.engine, topic, 0, testBatch({ recordCount: 2 }));
    expect(await appendOk(ctx.engine, topic, 0, txnBatch(5001, 0, 0, 1, 3))).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, testBatch())).toBe(5);
    expect(await appendOk(ctx.engine, topic, 0, txnBatch(5001, 0, 3, 1))).toBe(6);
    const other = await ctx.second();
    expect(await offsetsOf(other, topic)).toEqual({ highWatermark: 7, lastStableOffset: 2 });
    expect(await markerOk(other, topic, 0, marker(5001, 0, true, 1))).toBe(7);
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 8, lastStableOffset: 8 });
    expect(await ctx.engine.abortedTransactions(topic, 0, 0, 7)).toEqual([]);
  });

  test("the marker is a control batch of one record with Kafka's key and value", async () => {
    const topic = await ctx.createTopic("marker-bytes");
    await appendOk(ctx.engine, topic, 0, txnBatch(5002, 3, 0, 1));
    await markerOk(ctx.engine, topic, 0, { ...marker(5002, 3, false, 1), coordinatorEpoch: 7 });
    const batches = await readAll(ctx.engine, topic, 0);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[0, 0], [1, 1]]);
    const bytes = batches[1]?.bytes ?? new Uint8Array();
    const header = readBatchHeader(bytes);
    expect(header).toMatchObject({ baseOffset: 1, isControl: true, isTransactional: true, producerId: 5002, producerEpoch: 3, recordCount: 1 });
    // One record: length, attributes, timestampDelta, offsetDelta, key (4 bytes), value (6 bytes), no headers.
    const record = bytes.subarray(61);
    expect([...record.subarray(0, 5)]).toEqual([2 * 16, 0, 0, 0, 2 * 4]);
    expect([...record.subarray(5, 9)]).toEqual([0, 0, 0, 0]);
    expect(record[9]).toBe(2 * 6);
    expect([...record.subarray(10, 16)]).toEqual([0, 0, 0, 0, 0, 7]);
  });

  test("an abort is listed for the ranges it overlaps, and the LSO passes it", async () => {
    const topic = await ctx.createTopic("aborted");
    await appendOk(ctx.engine, topic, 0, txnBatch(5003, 0, 0, 4, 2));
    await appendOk(ctx.engine, topic, 0, txnBatch(5004, 1, 0, 9, 2));
    await appendOk(ctx.engine, topic, 0, txnBatch(5003, 0, 2, 4));
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 5, lastStableOffset: 0 });
    expect(await markerOk(ctx.engine, topic, 0, marker(5003, 0, false, 4))).toBe(5);
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 6, lastStableOffset: 2 });
    const other = await ctx.second();
    expect(await other.abortedTransactions(topic, 0, 0, 1)).toEqual([{ producerId: 5003, firstOffset: 0, lastOffset: 5 }]);
    expect(await other.abortedTransactions(topic, 0, 5, 5)).toEqual([{ producerId: 5003, firstOffset: 0, lastOffset: 5 }]);
    expect(await other.abortedTransactions(topic, 0, 6, 10)).toEqual([]);
    expect(await markerOk(other, topic, 0, marker(5004, 1, false, 9))).toBe(6);
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 7, lastStableOffset: 7 });
    expect(await ctx.engine.abortedTransactions(topic, 0, 0, 6)).toEqual([
      { producerId: 5003, firstOffset: 0, lastOffset: 5 },
      { producerId: 5004, firstOffset: 2, lastOffset: 6 },
    ]);
  });

  test("a marker for a transaction the partition has no open batch of stores nothing and is repeatable", async () => {
    const topic = await ctx.createTopic("marker-skip");
    expect(await markerOk(ctx.engine, topic, 0, marker(5005, 0, true, 1))).toBeNull();
    await appendOk(ctx.engine, topic, 0, txnBatch(5005, 0, 0, 2));
    expect(await markerOk(ctx.engine, topic, 0, marker(5005, 0, true, 2))).toBe(1);
    expect(await markerOk(await ctx.second(), topic, 0, marker(5005, 0, true, 2))).toBeNull();
    // A stale marker of an older transaction never closes the newer one.
    await appendOk(ctx.engine, topic, 0, txnBatch(5005, 0, 1, 3));
    expect(await markerOk(ctx.engine, topic, 0, marker(5005, 0, false, 2))).toBeNull();
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 3, lastStableOffset: 2 });
    expect((await readAll(ctx.engine, topic, 0)).length).toBe(3);
  });

  test("a batch of a transaction whose marker the partition has seen is INVALID_TXN_STATE (no hanging transaction)", async () => {
    const topic = await ctx.createTopic("guard");
    // The marker of transaction 6 arrives before its first batch: the batch must not open a transaction.
    expect(await markerOk(ctx.engine, topic, 0, marker(5006, 0, false, 6))).toBeNull();
    const late = await (await ctx.second()).append(topic, 0, txnBatch(5006, 0, 0, 6));
    expect(late.errorCode).toBe(ErrorCodes.INVALID_TXN_STATE);
    // A batch of another transaction than the open one is refused too.
    await appendOk(ctx.engine, topic, 0, txnBatch(5006, 0, 0, 7));
    expect((await ctx.engine.append(topic, 0, txnBatch(5006, 0, 1, 8))).errorCode).toBe(ErrorCodes.INVALID_TXN_STATE);
    // A transactional batch without a guard never opens a transaction.
    expect((await ctx.engine.append(topic, 0, testBatch({ producerId: 5007, producerEpoch: 0, baseSequence: 0, isTransactional: true }))).errorCode).toBe(
      ErrorCodes.INVALID_TXN_STATE,
    );
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 1, lastStableOffset: 0 });
  });

  test("a marker with a bumped epoch fences the producer's older epoch; an older marker is INVALID_PRODUCER_EPOCH", async () => {
    const topic = await ctx.createTopic("fence");
    await appendOk(ctx.engine, topic, 0, txnBatch(5008, 4, 0, 1));
    expect(await markerOk(ctx.engine, topic, 0, marker(5008, 5, false, 1))).toBe(1);
    expect((await ctx.engine.append(topic, 0, txnBatch(5008, 4, 1, 2))).errorCode).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect((await ctx.engine.writeTxnMarker(topic, 0, marker(5008, 4, true, 2))).errorCode).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    // The new epoch starts its sequences at 0.
    expect(await appendOk(ctx.engine, topic, 0, txnBatch(5008, 5, 0, 2))).toBe(2);
    expect(await ctx.engine.abortedTransactions(topic, 0, 0, 2)).toEqual([{ producerId: 5008, firstOffset: 0, lastOffset: 1 }]);
  });

  test("a retried transactional batch is a duplicate with its first offset, even after the marker", async () => {
    const topic = await ctx.createTopic("txn-duplicate");
    const batch = txnBatch(5009, 0, 0, 1, 2);
    expect(await appendOk(ctx.engine, topic, 0, batch)).toBe(0);
    expect(await appendOk(await ctx.second(), topic, 0, batch)).toBe(0);
    await markerOk(ctx.engine, topic, 0, marker(5009, 0, true, 1));
    expect(await appendOk(ctx.engine, topic, 0, batch)).toBe(0);
    expect(await offsetsOf(ctx.engine, topic)).toEqual({ highWatermark: 3, lastStableOffset: 3 });
  });

  test("describeProducers shows each producer's epoch, last sequence and open transaction", async () => {
    const topic = await ctx.createTopic("describe-producers", 2);
    await appendOk(ctx.engine, topic, 0, testBatch({ producerId: 5010, producerEpoch: 2, baseSequence: 0, recordCount: 3 }));
    await appendOk(ctx.engine, topic, 0, txnBatch(5011, 1, 0, 1, 2));
    const result = await (await ctx.second()).describeProducers(topic, 0);
    if (result.errorCode !== 0) throw new Error(`describeProducers failed with ${result.errorCode}`);
    const byId = [...result.producers].sort((a, b) => a.producerId - b.producerId);
    expect(byId).toMatchObject([
      { producerId: 5010, producerEpoch: 2, lastSequence: 2, currentTxnStartOffset: -1 },
      { producerId: 5011, producerEpoch: 1, lastSequence: 1, currentTxnStartOffset: 3 },
    ]);
    expect(await ctx.engine.describeProducers(topic, 1)).toEqual({ errorCode: 0, producers: [] });
    expect((await ctx.engine.describeProducers(topic, 2)).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await ctx.engine.writeTxnMarker(topic, 2, marker(1, 0, true, 1))).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test("transactions interleaved across partitions and brokers keep each partition's LSO", async () => {
    const topic = await ctx.createTopic("interleaved", 3);
    const engines = [ctx.engine, await ctx.second()];
    const producers = [6001, 6002, 6003];
    await Promise.all(
      producers.map(async (producerId, p) => {
        for (let partition = 0; partition < 3; partition++) {
          for (let seq = 0; seq < 4; seq++) await appendOk(engines[(p + seq) % 2]!, topic, partition, txnBatch(producerId, 0, seq, 1));
        }
      }),
    );
    for (let partition = 0; partition < 3; partition++) expect((await offsetsOf(ctx.engine, topic, partition)).lastStableOffset).toBe(0);
    await Promise.all(
      producers.map(async (producerId, p) => {
        for (let partition = 0; partition < 3; partition++) await markerOk(engines[p % 2]!, topic, partition, marker(producerId, 0, p !== 1, 1));
      }),
    );
    for (let partition = 0; partition < 3; partition++) {
      expect(await offsetsOf(ctx.engine, topic, partition)).toEqual({ highWatermark: 15, lastStableOffset: 15 });
      const aborted = await ctx.engine.abortedTransactions(topic, partition, 0, 14);
      expect(aborted.map((a) => a.producerId)).toEqual([6002]);
      const batches = await readAll(engines[1]!, topic, partition);
      const abortedBatches = batches.filter((b) => readBatchHeader(b.bytes).producerId === 6002 && b.baseOffset < (aborted[0]?.lastOffset ?? 0));
      expect(abortedBatches.every((b) => b.baseOffset >= (aborted[0]?.firstOffset ?? Infinity))).toBe(true);
    }
  });

  test("allocateProducerId never hands out an id twice, across instances", async () => {
    const other = await ctx.second();
    const ids = await Promise.all([ctx.engine, other, ctx.engine, other].map((e) => e.allocateProducerId()));
    const idempotent = await ctx.engine.initProducerId({ producerId: -1, producerEpoch: -1 });
    if (idempotent.errorCode === 0) ids.push(idempotent.producerId);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(0);
  });

  test("transaction state changes only by compare-and-swap", async () => {
    const id = ctx.topicName("txn-state");
    const other = await ctx.second();
    expect(await ctx.engine.getTransaction(id)).toBeNull();
    const created = await ctx.engine.putTransaction(id, '{"s":1}', null);
    if (!created.ok) throw new Error("create failed");
    const lost = await other.putTransaction(id, '{"s":"lost"}', null);
    expect(lost).toEqual({ ok: false, current: { transactionalId: id, version: created.version, state: '{"s":1}' } });
    const updated = await other.putTransaction(id, '{"s":2}', created.version);
    if (!updated.ok) throw new Error("update failed");
    expect(updated.version).not.toBe(created.version);
    expect((await ctx.engine.putTransaction(id, '{"s":3}', created.version)).ok).toBe(false);
    expect(await ctx.engine.getTransaction(id)).toEqual({ transactionalId: id, version: updated.version, state: '{"s":2}' });
    expect((await ctx.engine.listTransactions()).filter((t) => t.transactionalId === id)).toHaveLength(1);
    expect(await ctx.engine.deleteTransaction(id, created.version)).toBe(false);
    expect(await other.deleteTransaction(id, updated.version)).toBe(true);
    expect(await ctx.engine.getTransaction(id)).toBeNull();
    const again = await ctx.engine.putTransaction(id, '{"s":4}', null);
    if (!again.ok) throw new Error("re-create failed");
    expect([created.version, updated.version]).not.toContain(again.version);
  });

  test("concurrent compare-and-swaps of one transactional id: exactly one wins each round", async () => {
    const id = ctx.topicName("txn-race");
    const engines = [ctx.engine, await ctx.second()];
    let version: string | null = null;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(engines.map((e, i) => e.putTransaction(id, JSON.stringify({ round, i }), version)));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      version = winner?.ok ? winner.version : null;
    }
  });
}
