import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import type { Engine } from "../../../src/storage/engine.ts";
import { testBatch } from "../record-batch.ts";
import { appendOk, readAll, type ConformanceContext } from "./context.ts";

const T0 = 1_700_000_000_000;

async function startOf(engine: Engine, topic: string, partition = 0) {
  const o = await engine.offsets(topic, partition);
  if (o.errorCode !== 0) throw new Error(`offsets failed with ${o.errorCode}`);
  return { logStartOffset: o.logStartOffset, highWatermark: o.highWatermark };
}

/** Ten batches of two records, batch i with timestamp T0 + i seconds and a payload of the same size. */
async function tenBatches(engine: Engine, topic: string): Promise<number> {
  let size = 0;
  for (let i = 0; i < 10; i++) {
    const batch = testBatch({ recordCount: 2, baseTimestamp: T0 + i * 1000, payload: `batch-${i}` });
    size = batch.bytes.byteLength;
    await appendOk(engine, topic, 0, batch);
  }
  return size;
}

export function retentionCases(ctx: ConformanceContext): void {
  test("DeleteRecords raises logStartOffset on every instance, never lowers it, and -1 means the high watermark", async () => {
    const topic = await ctx.createTopic("delete-records");
    await tenBatches(ctx.engine, topic);
    const other = await ctx.second();
    expect(await ctx.engine.deleteRecords(topic, 0, 5)).toEqual({ errorCode: 0, logStartOffset: 5 });
    expect(await startOf(other, topic)).toEqual({ logStartOffset: 5, highWatermark: 20 });
    // the batch holding offset 5 (offsets 4-5) is still read whole; earlier offsets are out of range
    expect((await other.read(topic, 0, 3, 1 << 20)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
    const first = await other.read(topic, 0, 5, 1 << 20);
    expect(first.errorCode === 0 ? first.batches[0]?.baseOffset : -1).toBe(4);
    expect(await other.deleteRecords(topic, 0, 2)).toEqual({ errorCode: 0, logStartOffset: 5 });
    expect((await ctx.engine.deleteRecords(topic, 0, 21)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
    expect((await ctx.engine.deleteRecords(topic, 0, -2)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
    expect((await ctx.engine.deleteRecords(topic, 1, 0)).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await ctx.engine.deleteRecords(topic, 0, -1)).toEqual({ errorCode: 0, logStartOffset: 20 });
    expect(await readAll(other, topic, 0, 20)).toEqual([]);
    // the next record takes the next offset
    expect(await appendOk(other, topic, 0, testBatch())).toBe(20);
    expect(await startOf(ctx.engine, topic)).toEqual({ logStartOffset: 20, highWatermark: 21 });
  });

  test("time retention deletes expired batches from the oldest, stopping at the first one kept", async () => {
    const topic = await ctx.createTopic("time-retention");
    await tenBatches(ctx.engine, topic);
    // batch 3 is newer than the limit: it and everything after stay, even an older batch 5
    await appendOk(ctx.engine, topic, 0, testBatch({ baseTimestamp: T0 }));
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: T0 + 3000, retainBytes: null })).toEqual({ errorCode: 0, logStartOffset: 6 });
    const left = await readAll(await ctx.second(), topic, 0, 6);
    expect(left[0]?.baseOffset).toBe(6);
    expect(left).toHaveLength(8);
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: T0 + 60_000, retainBytes: null })).toEqual({ errorCode: 0, logStartOffset: 21 });
    expect(await startOf(ctx.engine, topic)).toEqual({ logStartOffset: 21, highWatermark: 21 });
    expect(await appendOk(ctx.engine, topic, 0, testBatch())).toBe(21);
  });

  test("size retention keeps at least retainBytes, deleting whole batches from the oldest", async () => {
    const topic = await ctx.createTopic("size-retention");
    const size = await tenBatches(ctx.engine, topic);
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: null, retainBytes: size * 3 + 1 })).toEqual({ errorCode: 0, logStartOffset: 12 });
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: null, retainBytes: size * 3 })).toEqual({ errorCode: 0, logStartOffset: 14 });
    expect(await readAll(ctx.engine, topic, 0, 14)).toHaveLength(3);
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: null, retainBytes: 0 })).toEqual({ errorCode: 0, logStartOffset: 20 });
  });

  test("retention never passes an open transaction; the aborted list drops what is gone", async () => {
    const topic = await ctx.createTopic("retention-lso");
    await tenBatches(ctx.engine, topic);
    await appendOk(ctx.engine, topic, 0, testBatch({ producerId: 77, producerEpoch: 0, baseSequence: 0, isTransactional: true, verificationGuard: 1, baseTimestamp: T0 }));
    await appendOk(ctx.engine, topic, 0, testBatch({ baseTimestamp: T0 }));
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: T0 + 60_000, retainBytes: null })).toEqual({ errorCode: 0, logStartOffset: 20 });
    await ctx.engine.writeTxnMarker(topic, 0, { producerId: 77, producerEpoch: 0, commit: false, coordinatorEpoch: 0, verificationGuard: 1 });
    expect(await ctx.engine.abortedTransactions(topic, 0, 0, 30)).toEqual([{ producerId: 77, firstOffset: 20, lastOffset: 22 }]);
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: T0 + 60_000, retainBytes: null })).toMatchObject({ errorCode: 0 });
    expect((await startOf(ctx.engine, topic)).logStartOffset).toBeGreaterThanOrEqual(22);
    expect(await ctx.engine.deleteRecords(topic, 0, -1)).toEqual({ errorCode: 0, logStartOffset: 23 });
    expect(await ctx.engine.abortedTransactions(topic, 0, 0, 30)).toEqual([]);
  });

  test("two instances applying retention and DeleteRecords at once agree, and appends keep their offsets", async () => {
    const topic = await ctx.createTopic("retention-race");
    await tenBatches(ctx.engine, topic);
    const other = await ctx.second();
    const [a, b, c] = await Promise.all([
      ctx.engine.applyRetention(topic, 0, { expireBefore: T0 + 4500, retainBytes: null }),
      other.deleteRecords(topic, 0, 7),
      other.append(topic, 0, testBatch({ baseTimestamp: T0 + 99_000 })),
    ]);
    expect(a.errorCode).toBe(0);
    expect(b.errorCode).toBe(0);
    expect(c).toMatchObject({ errorCode: 0, baseOffset: 20 });
    expect(await startOf(ctx.engine, topic)).toEqual({ logStartOffset: 10, highWatermark: 21 });
    expect((await readAll(other, topic, 0, 10)).map((x) => x.baseOffset)).toEqual([10, 12, 14, 16, 18, 20]);
  });

  test("retained counts the bytes and batches kept; DeleteRecords and compaction lower it", async () => {
    const topic = await ctx.createTopic("retained");
    expect(await ctx.engine.retained(topic, 0)).toEqual({ errorCode: 0, retainedBytes: 0, batchCount: 0 });
    const size = await tenBatches(ctx.engine, topic);
    const other = await ctx.second();
    expect(await other.retained(topic, 0)).toEqual({ errorCode: 0, retainedBytes: size * 10, batchCount: 10 });
    await ctx.engine.deleteRecords(topic, 0, 6);
    expect(await other.retained(topic, 0)).toEqual({ errorCode: 0, retainedBytes: size * 7, batchCount: 7 });
    expect((await ctx.engine.retained(topic, 1)).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  });
}
