import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import type { Engine } from "../../../src/storage/engine.ts";
import { testBatch } from "../record-batch.ts";
import { appendOk, highWatermark, readAll, type ConformanceContext } from "./context.ts";

const MAX_SEQUENCE = 2147483647;

export function idempotenceCases(ctx: ConformanceContext): void {
  const producer = (producerId: number, producerEpoch: number) => (baseSequence: number, recordCount = 1) =>
    testBatch({ producerId, producerEpoch, baseSequence, recordCount, payload: `${producerEpoch}/${baseSequence}` });
  const errorOf = async (engine: Engine, topic: string, batch: ReturnType<typeof testBatch>) =>
    (await engine.append(topic, 0, batch)).errorCode;

  test("in-sequence batches are appended", async () => {
    const topic = await ctx.createTopic("in-sequence");
    const send = producer(1001, 0);
    expect(await appendOk(ctx.engine, topic, 0, send(0, 2))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 0, send(2, 3))).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, send(5))).toBe(5);
    expect(await highWatermark(ctx.engine, topic)).toBe(6);
  });

  test("a duplicate of one of the last five batches returns its offset and stores nothing", async () => {
    const topic = await ctx.createTopic("duplicate");
    const send = producer(1002, 3);
    for (let i = 0; i < 6; i++) await appendOk(ctx.engine, topic, 0, send(i * 2, 2));
    expect(await appendOk(ctx.engine, topic, 0, send(10, 2))).toBe(10);
    expect(await appendOk(ctx.engine, topic, 0, send(2, 2))).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, send(4, 2))).toBe(4);
    // The sixth-newest batch is no longer remembered, so it is out of sequence.
    expect(await errorOf(ctx.engine, topic, send(0, 2))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await highWatermark(ctx.engine, topic)).toBe(12);
    expect((await readAll(ctx.engine, topic, 0)).length).toBe(6);
    expect(await appendOk(ctx.engine, topic, 0, send(12))).toBe(12);
  });

  test("a duplicate or refused batch leaves the stored batches and offsets as they were", async () => {
    const topic = await ctx.createTopic("unchanged");
    const send = producer(1012, 2);
    await appendOk(ctx.engine, topic, 0, send(0, 2));
    await appendOk(ctx.engine, topic, 0, send(2, 3));
    const batches = await readAll(ctx.engine, topic, 0);
    const offsets = await ctx.engine.offsets(topic, 0);
    expect(await appendOk(ctx.engine, topic, 0, send(2, 3))).toBe(2);
    expect(await errorOf(ctx.engine, topic, send(9))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await errorOf(ctx.engine, topic, producer(1012, 1)(5))).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect(await readAll(ctx.engine, topic, 0)).toEqual(batches);
    expect(await ctx.engine.offsets(topic, 0)).toEqual(offsets);
    expect(await appendOk(ctx.engine, topic, 0, send(5))).toBe(5);
  });

  test("an idempotent batch to an unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const topic = await ctx.createTopic("idempotent-unknown");
    const send = producer(1013, 0);
    expect((await ctx.engine.append(ctx.topicName("missing"), 0, send(0))).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await ctx.engine.append(topic, 1, send(0))).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await appendOk(ctx.engine, topic, 0, send(0))).toBe(0);
    expect((await ctx.engine.append(topic, 1, send(0))).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test("a duplicate sent through another instance returns the original offset", async () => {
    const topic = await ctx.createTopic("duplicate-cross");
    const send = producer(1003, 0);
    expect(await appendOk(ctx.engine, topic, 0, send(0, 3))).toBe(0);
    expect(await appendOk(await ctx.second(), topic, 0, send(0, 3))).toBe(0);
    expect(await highWatermark(ctx.engine, topic)).toBe(3);
  });

  test("a gap in sequence is OUT_OF_ORDER_SEQUENCE_NUMBER", async () => {
    const topic = await ctx.createTopic("gap");
    const send = producer(1004, 0);
    await appendOk(ctx.engine, topic, 0, send(0, 2));
    expect(await errorOf(ctx.engine, topic, send(3))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await errorOf(ctx.engine, topic, send(1))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await highWatermark(ctx.engine, topic)).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, send(2))).toBe(2);
  });

  test("a lower epoch is INVALID_PRODUCER_EPOCH", async () => {
    const topic = await ctx.createTopic("fenced");
    await appendOk(ctx.engine, topic, 0, producer(1005, 4)(0));
    expect(await errorOf(ctx.engine, topic, producer(1005, 3)(1))).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect(await errorOf(ctx.engine, topic, producer(1005, 3)(0))).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
    expect(await highWatermark(ctx.engine, topic)).toBe(1);
  });

  test("a higher epoch must start at sequence 0 and resets the producer's state", async () => {
    const topic = await ctx.createTopic("epoch-bump");
    await appendOk(ctx.engine, topic, 0, producer(1006, 0)(0, 5));
    expect(await errorOf(ctx.engine, topic, producer(1006, 1)(5))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await appendOk(ctx.engine, topic, 0, producer(1006, 1)(0, 2))).toBe(5);
    expect(await appendOk(ctx.engine, topic, 0, producer(1006, 1)(2))).toBe(7);
    // The old epoch is now fenced, even for what would have been its next sequence.
    expect(await errorOf(ctx.engine, topic, producer(1006, 0)(5))).toBe(ErrorCodes.INVALID_PRODUCER_EPOCH);
  });

  test("a producer new to a partition may start at any sequence (Kafka 3.9)", async () => {
    const topic = await ctx.createTopic("new-producer");
    expect(await appendOk(ctx.engine, topic, 0, producer(1007, 2)(42, 3))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 0, producer(1007, 2)(45))).toBe(3);
  });

  test("producer state is per partition", async () => {
    const topic = await ctx.createTopic("per-partition", 2);
    const send = producer(1008, 0);
    expect(await appendOk(ctx.engine, topic, 0, send(0, 2))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 1, send(0, 2))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 1, send(2))).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, send(2))).toBe(2);
  });

  test("sequences wrap from 2147483647 to 0", async () => {
    const topic = await ctx.createTopic("wrap");
    const send = producer(1009, 0);
    expect(await appendOk(ctx.engine, topic, 0, send(MAX_SEQUENCE - 1, 2))).toBe(0);
    expect(await appendOk(ctx.engine, topic, 0, send(0, 2))).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, send(2))).toBe(4);

    const spanning = producer(1010, 0);
    expect(await appendOk(ctx.engine, topic, 0, spanning(MAX_SEQUENCE - 1))).toBe(5);
    expect(await appendOk(ctx.engine, topic, 0, spanning(MAX_SEQUENCE, 3))).toBe(6);
    expect(await appendOk(ctx.engine, topic, 0, spanning(MAX_SEQUENCE, 3))).toBe(6);
    expect(await errorOf(ctx.engine, topic, spanning(1))).toBe(ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await appendOk(ctx.engine, topic, 0, spanning(2))).toBe(9);
  });

  test("batches without a producer id ignore sequences", async () => {
    const topic = await ctx.createTopic("non-idempotent");
    const batch = testBatch({ producerId: -1, producerEpoch: -1, baseSequence: -1, recordCount: 2 });
    expect(await appendOk(ctx.engine, topic, 0, batch)).toBe(0);
    expect(await appendOk(ctx.engine, topic, 0, batch)).toBe(2);
    expect(await appendOk(ctx.engine, topic, 0, testBatch({ producerId: -1, baseSequence: 7 }))).toBe(4);
    expect(await highWatermark(ctx.engine, topic)).toBe(5);
  });

  test("recreating a topic forgets its producers", async () => {
    const topic = await ctx.createTopic("recreate");
    await appendOk(ctx.engine, topic, 0, producer(1011, 5)(0, 4));
    await ctx.engine.deleteTopic(topic);
    await ctx.engine.createTopic({ name: topic, partitionCount: 1, replicationFactor: 1, configs: {} });
    expect(await appendOk(ctx.engine, topic, 0, producer(1011, 1)(0))).toBe(0);
  });

  test("an engine that applies appends in call order does, for appends not awaited one by one", async () => {
    const topic = await ctx.createTopic("call-order");
    const send = producer(1013, 0);
    const calls = Array.from({ length: 40 }, (_, i) => ctx.engine.append(topic, 0, send(i * 2, 2)));
    const results = await Promise.all(calls);
    if (ctx.engine.appendsInCallOrder !== true) return; // such engines promise nothing here
    expect(results.map((r) => r.errorCode)).toEqual(results.map(() => 0));
    expect(results.map((r) => ("baseOffset" in r ? r.baseOffset : -1))).toEqual(results.map((_, i) => i * 2));
    expect((await readAll(ctx.engine, topic, 0)).map((b) => b.baseOffset)).toEqual(results.map((_, i) => i * 2));
  });
}
