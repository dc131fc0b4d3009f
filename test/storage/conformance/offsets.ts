import { expect, test } from "bun:test";
import type { CommittedOffset } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

const offset = (topic: string, partition: number, value: number, extra: Partial<CommittedOffset> = {}): CommittedOffset => ({
  topic,
  partition,
  offset: value,
  leaderEpoch: -1,
  metadata: "",
  commitTimestamp: 1_700_000_000_000 + value,
  ...extra,
});

const sorted = (offsets: CommittedOffset[]) => [...offsets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);

export function offsetCases(ctx: ConformanceContext): void {
  test("commits are read back through another instance, with leader epoch, metadata and timestamp", async () => {
    const group = ctx.topicName("g");
    const committed = [offset("t1", 0, 10, { leaderEpoch: 3, metadata: "hello ünïcødé" }), offset("t1", 1, 2 ** 40), offset("t2", 0, 0, { metadata: null })];
    await ctx.engine.commitOffsets(group, committed);
    const other = await ctx.second();
    expect(sorted(await other.fetchOffsets(group, null))).toEqual(sorted(committed));
  });

  test("fetching named partitions returns only those with a commit", async () => {
    const group = ctx.topicName("g");
    await ctx.engine.commitOffsets(group, [offset("t", 0, 1), offset("t", 2, 3)]);
    const found = await ctx.engine.fetchOffsets(group, [
      { topic: "t", partition: 0 },
      { topic: "t", partition: 1 },
      { topic: "u", partition: 0 },
    ]);
    expect(found).toEqual([offset("t", 0, 1)]);
    expect(await ctx.engine.fetchOffsets(ctx.topicName("nobody"), null)).toEqual([]);
  });

  test("a later commit replaces an earlier one; groups do not see each other's offsets", async () => {
    const [g1, g2] = [ctx.topicName("g1"), ctx.topicName("g2")];
    await ctx.engine.commitOffsets(g1, [offset("t", 0, 1), offset("t", 1, 1)]);
    await (await ctx.second()).commitOffsets(g1, [offset("t", 0, 7, { metadata: "m" })]);
    await ctx.engine.commitOffsets(g2, [offset("t", 0, 99)]);
    expect(sorted(await ctx.engine.fetchOffsets(g1, null))).toEqual([offset("t", 0, 7, { metadata: "m" }), offset("t", 1, 1)]);
    expect(await ctx.engine.fetchOffsets(g2, null)).toEqual([offset("t", 0, 99)]);
  });

  test("a commit of many partitions is stored all at once", async () => {
    const group = ctx.topicName("g");
    const many = Array.from({ length: 200 }, (_, p) => offset("t", p, p * 10));
    const reader = await ctx.second();
    let torn = false;
    let reading = true;
    const watcher = (async () => {
      while (reading) {
        const seen = (await reader.fetchOffsets(group, null)).length;
        if (seen !== 0 && seen !== many.length) torn = true;
        await Promise.resolve();
      }
    })();
    await ctx.engine.commitOffsets(group, many);
    reading = false;
    await watcher;
    expect(torn).toBe(false);
    expect((await reader.fetchOffsets(group, null)).length).toBe(200);
  });

  test("offsets of named partitions can be deleted", async () => {
    const group = ctx.topicName("g");
    await ctx.engine.commitOffsets(group, [offset("t", 0, 1), offset("t", 1, 2), offset("u", 0, 3)]);
    await (await ctx.second()).deleteOffsets(group, [
      { topic: "t", partition: 1 },
      { topic: "u", partition: 0 },
      { topic: "v", partition: 9 },
    ]);
    expect(await ctx.engine.fetchOffsets(group, null)).toEqual([offset("t", 0, 1)]);
  });

  test("deleting a topic deletes every group's committed offsets of it", async () => {
    const topic = await ctx.createTopic("offsets-topic", 2);
    const keep = await ctx.createTopic("offsets-keep", 1);
    const [g1, g2] = [ctx.topicName("g1"), ctx.topicName("g2")];
    await ctx.engine.commitOffsets(g1, [offset(topic, 0, 1), offset(topic, 1, 1), offset(keep, 0, 4)]);
    await ctx.engine.commitOffsets(g2, [offset(topic, 1, 2)]);
    expect(await ctx.engine.deleteTopic(topic)).toBe(true);
    const other = await ctx.second();
    expect(await other.fetchOffsets(g1, null)).toEqual([offset(keep, 0, 4)]);
    expect(await other.fetchOffsets(g2, null)).toEqual([]);
  });
}
