import { expect, test } from "bun:test";
import { testBatch } from "../record-batch.ts";
import { appendOk, type ConformanceContext } from "./context.ts";

export function timestampCases(ctx: ConformanceContext): void {
  test("at-or-after finds the first batch whose maxTimestamp reaches the timestamp", async () => {
    const topic = await ctx.createTopic("at-or-after");
    for (const [recordCount, maxTimestamp] of [[2, 100], [3, 300], [1, 200], [2, 300]] as const) {
      await appendOk(ctx.engine, topic, 0, testBatch({ recordCount, baseTimestamp: 50, maxTimestamp }));
    }
    const find = async (timestamp: number) =>
      (await ctx.engine.batchByTimestamp(topic, 0, { kind: "at-or-after", timestamp }))?.baseOffset ?? null;
    expect(await find(0)).toBe(0);
    expect(await find(100)).toBe(0);
    expect(await find(101)).toBe(2);
    expect(await find(250)).toBe(2);
    expect(await find(300)).toBe(2);
    expect(await find(301)).toBeNull();
    const batch = await ctx.engine.batchByTimestamp(topic, 0, { kind: "at-or-after", timestamp: 150 });
    expect(batch).toMatchObject({ baseOffset: 2, lastOffset: 4, maxTimestamp: 300 });
  });

  test("max-timestamp finds the earliest batch holding the largest timestamp", async () => {
    const topic = await ctx.createTopic("max-timestamp");
    for (const maxTimestamp of [100, 300, 200, 300]) {
      await appendOk(ctx.engine, topic, 0, testBatch({ baseTimestamp: 50, maxTimestamp }));
    }
    const batch = await ctx.engine.batchByTimestamp(topic, 0, { kind: "max-timestamp" });
    expect(batch).toMatchObject({ baseOffset: 1, lastOffset: 1, maxTimestamp: 300 });
  });

  test("an empty partition has no batch for either query", async () => {
    const topic = await ctx.createTopic("empty");
    expect(await ctx.engine.batchByTimestamp(topic, 0, { kind: "max-timestamp" })).toBeNull();
    expect(await ctx.engine.batchByTimestamp(topic, 0, { kind: "at-or-after", timestamp: 0 })).toBeNull();
  });
}
