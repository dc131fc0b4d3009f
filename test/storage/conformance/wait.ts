import { expect, test } from "bun:test";
import { testBatch } from "../record-batch.ts";
import { appendOk, type ConformanceContext } from "./context.ts";

/** Resolves with how long `promise` took, in milliseconds. */
async function timed(promise: Promise<void>, since = performance.now()): Promise<number> {
  await promise;
  return performance.now() - since;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function waitCases(ctx: ConformanceContext): void {
  test("wakes when a listed partition gets a record", async () => {
    const topic = await ctx.createTopic("wake", 2);
    const waiting = timed(ctx.engine.waitForAppend([{ topic, partition: 1 }], 10_000));
    await sleep(20);
    await appendOk(ctx.engine, topic, 1, testBatch());
    expect(await waiting).toBeLessThan(5_000);
  });

  test("an append to another partition does not wake it", async () => {
    const topic = await ctx.createTopic("other-partition", 2);
    const waiting = timed(ctx.engine.waitForAppend([{ topic, partition: 0 }], 300));
    await sleep(20);
    await appendOk(ctx.engine, topic, 1, testBatch());
    expect(await waiting).toBeGreaterThanOrEqual(250);
  });

  test("times out", async () => {
    const topic = await ctx.createTopic("timeout");
    const elapsed = await timed(ctx.engine.waitForAppend([{ topic, partition: 0 }], 100));
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(5_000);
  });

  test("ends when the signal aborts", async () => {
    const topic = await ctx.createTopic("abort");
    const controller = new AbortController();
    const waiting = timed(ctx.engine.waitForAppend([{ topic, partition: 0 }], 10_000, controller.signal));
    await sleep(20);
    controller.abort();
    expect(await waiting).toBeLessThan(5_000);
    expect(await timed(ctx.engine.waitForAppend([{ topic, partition: 0 }], 10_000, AbortSignal.abort()))).toBeLessThan(
      1_000,
    );
  });

  test("wakes on an append through another instance", async () => {
    const topic = await ctx.createTopic("wake-cross");
    const other = await ctx.second();
    const waiting = timed(ctx.engine.waitForAppend([{ topic, partition: 0 }], 10_000));
    await sleep(20);
    await appendOk(other, topic, 0, testBatch());
    expect(await waiting).toBeLessThan(5_000);
  });
}
