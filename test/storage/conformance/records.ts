import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import { encodeBatch } from "../../../src/protocol/records/index.ts";
import type { AppendBatch } from "../../../src/storage/engine.ts";
import { baseOffsetOf, expectedStored, testBatch } from "../record-batch.ts";
import { appendOk, highWatermark, readAll, type ConformanceContext } from "./context.ts";

export function recordCases(ctx: ConformanceContext): void {
  test("offsets are contiguous and assigned at append", async () => {
    const topic = await ctx.createTopic("contiguous");
    const before = Date.now();
    const first = await ctx.engine.append(topic, 0, testBatch({ recordCount: 1 }));
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 0, logStartOffset: 0 });
    if (first.errorCode === 0) expect(first.logAppendTimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(await appendOk(ctx.engine, topic, 0, testBatch({ recordCount: 5 }))).toBe(1);
    expect(await appendOk(ctx.engine, topic, 0, testBatch({ recordCount: 3 }))).toBe(6);
    expect(await ctx.engine.offsets(topic, 0)).toEqual({
      errorCode: 0,
      logStartOffset: 0,
      highWatermark: 9,
      lastStableOffset: 9,
    });
  });

  test("stored bytes are the sent bytes with baseOffset rewritten", async () => {
    const topic = await ctx.createTopic("bytes");
    const a = testBatch({ recordCount: 2, payload: "first", maxTimestamp: 1_700_000_000_500 });
    const b = testBatch({ recordCount: 4, payload: "second" });
    const sentA = a.bytes.slice();
    await appendOk(ctx.engine, topic, 0, a);
    a.bytes.fill(0xee); // the caller may reuse its buffer once append resolves
    await appendOk(ctx.engine, topic, 0, b);
    const [storedA, storedB, ...rest] = await readAll(ctx.engine, topic, 0);
    expect(rest).toEqual([]);
    expect(storedA).toEqual({ baseOffset: 0, lastOffset: 1, maxTimestamp: 1_700_000_000_500, bytes: sentA });
    expect(storedB?.bytes).toEqual(expectedStored(b.bytes, 2));
    expect(baseOffsetOf(storedB?.bytes ?? new Uint8Array(8))).toBe(2);
    expect(storedB?.lastOffset).toBe(5);
  });

  test("a batch lent as a view into a larger buffer is stored as exactly its own bytes", async () => {
    const topic = await ctx.createTopic("view");
    const first = testBatch({ recordCount: 2, payload: "first" });
    const second = testBatch({ recordCount: 3, payload: "second" });
    // both batches inside one buffer with bytes around them, as in a Produce request frame
    const at = 7;
    const end = at + first.bytes.byteLength;
    const frame = new Uint8Array(end + second.bytes.byteLength + 5).fill(0xab);
    frame.set(first.bytes, at);
    frame.set(second.bytes, end);
    expect(await appendOk(ctx.engine, topic, 0, { ...first, bytes: frame.subarray(at, end) })).toBe(0);
    expect(await appendOk(ctx.engine, topic, 0, { ...second, bytes: frame.subarray(end, end + second.bytes.byteLength) })).toBe(2);
    frame.fill(0xee);
    const stored = await readAll(ctx.engine, topic, 0);
    expect(stored.map((b) => b.bytes)).toEqual([expectedStored(first.bytes, 0), expectedStored(second.bytes, 2)]);
  });

  test("bytes a read returned stay as they were while the partition is compacted and retention runs", async () => {
    // reads may hand out the engine's own bytes (memory), so stored batches are never changed in place
    const topic = await ctx.createTopic("read-stable", 1, { "cleanup.policy": "compact" });
    const keyed = (value: string): AppendBatch => ({
      bytes: encodeBatch([{ key: new TextEncoder().encode("k"), value: new TextEncoder().encode(value), timestamp: 1 }]),
      meta: { recordCount: 1, baseTimestamp: 1, maxTimestamp: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false },
    });
    for (const value of ["one", "two", "three"]) await appendOk(ctx.engine, topic, 0, keyed(value));
    const held = await readAll(ctx.engine, topic, 0);
    const before = held.map((b) => b.bytes.slice());
    expect(await ctx.engine.compact(topic, 0, { compactBefore: Date.now(), tombstonesBefore: 0 })).toMatchObject({ errorCode: 0 });
    expect(await ctx.engine.applyRetention(topic, 0, { expireBefore: Date.now(), retainBytes: null })).toMatchObject({ errorCode: 0 });
    expect(held.map((b) => b.bytes)).toEqual(before);
  });

  test("read from inside a batch starts with the batch containing the offset", async () => {
    const topic = await ctx.createTopic("middle");
    for (const recordCount of [2, 5, 3, 1]) await appendOk(ctx.engine, topic, 0, testBatch({ recordCount }));
    const bases = async (offset: number) => (await readAll(ctx.engine, topic, 0, offset)).map((b) => b.baseOffset);
    expect(await bases(0)).toEqual([0, 2, 7, 10]);
    expect(await bases(4)).toEqual([2, 7, 10]);
    expect(await bases(6)).toEqual([2, 7, 10]);
    expect(await bases(7)).toEqual([7, 10]);
    expect(await bases(10)).toEqual([10]);
  });

  test("maxBytes limits the batches but the first is always whole", async () => {
    const topic = await ctx.createTopic("max-bytes");
    const sizes: number[] = [];
    for (const payload of ["a".repeat(100), "b".repeat(10), "c".repeat(50)]) {
      const batch = testBatch({ payload });
      sizes.push(batch.bytes.byteLength);
      await appendOk(ctx.engine, topic, 0, batch);
    }
    const [s0 = 0, s1 = 0, s2 = 0] = sizes;
    const count = async (offset: number, maxBytes: number) => {
      const result = await ctx.engine.read(topic, 0, offset, maxBytes);
      return result.errorCode === 0 ? result.batches.length : -result.errorCode;
    };
    expect(await count(0, 1)).toBe(1);
    expect(await count(0, 0)).toBe(1);
    expect(await count(0, s0 + s1 - 1)).toBe(1);
    expect(await count(0, s0 + s1)).toBe(2);
    expect(await count(0, s0 + s1 + s2)).toBe(3);
    expect(await count(1, s1 + s2 - 1)).toBe(1);
  });

  test("reading at the high watermark returns no batches", async () => {
    const topic = await ctx.createTopic("at-hwm");
    expect(await ctx.engine.read(topic, 0, 0, 1024)).toEqual({
      errorCode: 0,
      batches: [],
      logStartOffset: 0,
      highWatermark: 0,
      lastStableOffset: 0,
    });
    await appendOk(ctx.engine, topic, 0, testBatch({ recordCount: 4 }));
    expect(await ctx.engine.read(topic, 0, 4, 1024)).toEqual({
      errorCode: 0,
      batches: [],
      logStartOffset: 0,
      highWatermark: 4,
      lastStableOffset: 4,
    });
  });

  test("offsets outside [logStartOffset, highWatermark] are OFFSET_OUT_OF_RANGE", async () => {
    const topic = await ctx.createTopic("out-of-range");
    await appendOk(ctx.engine, topic, 0, testBatch({ recordCount: 2 }));
    expect((await ctx.engine.read(topic, 0, 3, 1024)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
    expect((await ctx.engine.read(topic, 0, -1, 1024)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
  });

  test("unknown topics and partitions are UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const topic = await ctx.createTopic("known", 2);
    const missing = ctx.topicName("missing");
    const unknown = ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
    for (const [t, p] of [[missing, 0], [topic, 2], [topic, -1]] as const) {
      expect((await ctx.engine.append(t, p, testBatch())).errorCode).toBe(unknown);
      expect((await ctx.engine.read(t, p, 0, 1024)).errorCode).toBe(unknown);
      expect((await ctx.engine.offsets(t, p)).errorCode).toBe(unknown);
      expect(await ctx.engine.batchByTimestamp(t, p, { kind: "max-timestamp" })).toBeNull();
    }
  });

  test("partitions have independent offsets", async () => {
    const topic = await ctx.createTopic("partitions", 3);
    expect(await appendOk(ctx.engine, topic, 1, testBatch({ recordCount: 4 }))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 2, testBatch({ recordCount: 2 }))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 1, testBatch())).toBe(4);
    expect(await highWatermark(ctx.engine, topic, 0)).toBe(0);
    expect(await highWatermark(ctx.engine, topic, 1)).toBe(5);
    expect(await highWatermark(ctx.engine, topic, 2)).toBe(2);
  });

  test("records appended through one instance are read through another", async () => {
    const topic = await ctx.createTopic("cross-read");
    const other = await ctx.second();
    const batch = testBatch({ recordCount: 3, payload: "shared" });
    expect(await appendOk(ctx.engine, topic, 0, batch)).toBe(0);
    expect(await appendOk(other, topic, 0, testBatch())).toBe(3);
    const stored = await readAll(other, topic, 0);
    expect(stored.map((b) => b.baseOffset)).toEqual([0, 3]);
    expect(stored[0]?.bytes).toEqual(expectedStored(batch.bytes, 0));
  });
}
