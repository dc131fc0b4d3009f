import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import { testBatch } from "../record-batch.ts";
import { appendOk, highWatermark, type ConformanceContext } from "./context.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function topicCases(ctx: ConformanceContext): void {
  test("createTopic returns the topic with a fresh UUID", async () => {
    const name = ctx.topicName("create");
    const spec = { name, partitionCount: 3, replicationFactor: 1, configs: { "cleanup.policy": "compact" } };
    const result = await ctx.engine.createTopic(spec);
    if (result.errorCode !== 0) throw new Error(`createTopic failed with ${result.errorCode}`);
    expect(result.topic).toMatchObject(spec);
    expect(result.topic.topicId).toMatch(UUID);
    expect(result.topic.topicId).not.toBe("00000000-0000-0000-0000-000000000000");
    expect(await ctx.engine.getTopic(name)).toEqual(result.topic);
    expect(await ctx.engine.getTopicById(result.topic.topicId)).toEqual(result.topic);
    expect((await ctx.engine.listTopics()).find((t) => t.name === name)).toEqual(result.topic);
  });

  test("a topic created through one instance is visible through another", async () => {
    const name = await ctx.createTopic("shared", 2);
    const other = await ctx.second();
    expect(await other.getTopic(name)).toEqual(await ctx.engine.getTopic(name));
  });

  test("creating an existing topic is TOPIC_ALREADY_EXISTS", async () => {
    const name = await ctx.createTopic("duplicate");
    const again = await ctx.engine.createTopic({ name, partitionCount: 5, replicationFactor: 1, configs: {} });
    expect(again.errorCode).toBe(ErrorCodes.TOPIC_ALREADY_EXISTS);
    expect((await ctx.engine.getTopic(name))?.partitionCount).toBe(1);
  });

  test("a partition count below 1 is INVALID_PARTITIONS", async () => {
    const name = ctx.topicName("no-partitions");
    const result = await ctx.engine.createTopic({ name, partitionCount: 0, replicationFactor: 1, configs: {} });
    expect(result.errorCode).toBe(ErrorCodes.INVALID_PARTITIONS);
    expect(await ctx.engine.getTopic(name)).toBeNull();
  });

  test("unknown topics are null", async () => {
    expect(await ctx.engine.getTopic(ctx.topicName("missing"))).toBeNull();
    expect(await ctx.engine.getTopicById(crypto.randomUUID())).toBeNull();
  });

  test("alterTopicConfigs sets and removes explicit configs", async () => {
    const name = await ctx.createTopic("configs", 1, { "retention.ms": "1000", "cleanup.policy": "delete" });
    const changes = { "retention.ms": null, "max.message.bytes": "2048", "cleanup.policy": "compact" };
    expect(await ctx.engine.alterTopicConfigs(name, changes)).toBe(ErrorCodes.NONE);
    expect((await ctx.engine.getTopic(name))?.configs).toEqual({
      "cleanup.policy": "compact",
      "max.message.bytes": "2048",
    });
    expect(await ctx.engine.alterTopicConfigs(ctx.topicName("missing"), { a: "b" })).toBe(
      ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  test("createPartitions only raises the count", async () => {
    const name = await ctx.createTopic("grow", 2);
    expect(await ctx.engine.createPartitions(name, 2)).toBe(ErrorCodes.INVALID_PARTITIONS);
    expect(await ctx.engine.createPartitions(name, 1)).toBe(ErrorCodes.INVALID_PARTITIONS);
    expect(await ctx.engine.createPartitions(name, 4)).toBe(ErrorCodes.NONE);
    expect((await ctx.engine.getTopic(name))?.partitionCount).toBe(4);
    expect(await appendOk(ctx.engine, name, 3, testBatch())).toBe(0);
    expect(await highWatermark(ctx.engine, name, 3)).toBe(1);
    expect((await ctx.engine.append(name, 4, testBatch())).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await ctx.engine.createPartitions(ctx.topicName("missing"), 3)).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test("deleteTopic removes the topic and its records; the name can be reused", async () => {
    const name = await ctx.createTopic("delete");
    const before = await ctx.engine.getTopic(name);
    await appendOk(ctx.engine, name, 0, testBatch({ recordCount: 3 }));
    expect(await ctx.engine.deleteTopic(name)).toBe(true);
    expect(await ctx.engine.getTopic(name)).toBeNull();
    expect(await ctx.engine.getTopicById(before?.topicId ?? "")).toBeNull();
    expect((await ctx.engine.listTopics()).some((t) => t.name === name)).toBe(false);
    expect((await ctx.engine.read(name, 0, 0, 1024)).errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await ctx.engine.deleteTopic(name)).toBe(false);

    const again = await ctx.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
    if (again.errorCode !== 0) throw new Error(`recreate failed with ${again.errorCode}`);
    expect(again.topic.topicId).not.toBe(before?.topicId);
    expect(await highWatermark(ctx.engine, name)).toBe(0);
  });
}
