import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { OffsetCommitApi, OffsetDeleteApi, OffsetFetchApi, type OffsetCommitRequestOffsetCommitRequestTopic } from "../../src/protocol/generated/index.ts";
import { bytes, consumerSubscription } from "../groups/fixtures.ts";
import { call, testBroker } from "./broker.ts";
import { joinNew, stableMember, syncGroup } from "./groups.ts";

const FAST = ["--group-initial-rebalance-delay-ms", "0"];

async function withTopics(...names: string[]): Promise<Broker> {
  const broker = testBroker(FAST);
  for (const name of names) await broker.engine.createTopic({ name, partitionCount: 3, replicationFactor: 1, configs: {} });
  return broker;
}

const partition = (partitionIndex: number, offset: number, committedMetadata: string | null = "", extra = {}) => ({
  partitionIndex,
  committedOffset: BigInt(offset),
  committedLeaderEpoch: -1,
  commitTimestamp: -1n,
  committedMetadata,
  ...extra,
});

function commit(broker: Broker, version: number, topics: OffsetCommitRequestOffsetCommitRequestTopic[], member = { memberId: "", generationId: -1 }, groupId = "g") {
  return call(broker, OffsetCommitApi, version, { groupId, generationIdOrMemberEpoch: member.generationId, memberId: member.memberId, groupInstanceId: null, retentionTimeMs: -1n, topics });
}

function fetch(broker: Broker, version: number, topics: { name: string; partitionIndexes: number[] }[] | null, groupId = "g") {
  return call(broker, OffsetFetchApi, version, { groupId, topics, groups: [], requireStable: version >= 7 });
}

const codes = (response: { topics: { partitions: { errorCode: number }[] }[] }) => response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

describe("OffsetCommit and OffsetFetch", () => {
  test("a commit without a member creates the group; fetched back with -1 for partitions never committed", async () => {
    const broker = await withTopics("t");
    const committed = await commit(broker, 2, [{ name: "t", partitions: [partition(0, 42, "meta"), partition(2, 7, null)] }]);
    expect(codes(committed)).toEqual([0, 0]);
    expect(JSON.parse((await broker.engine.getGroup("g"))?.state ?? "{}")).toMatchObject({ state: "Empty", members: [] });
    const fetched = await fetch(broker, 5, [{ name: "t", partitionIndexes: [0, 1, 2] }]);
    expect(fetched).toMatchObject({ errorCode: 0 });
    expect(fetched.topics[0]?.partitions).toEqual([
      { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: "meta", errorCode: 0 },
      { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 },
      { partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 },
    ]);
    const unknownGroup = await fetch(broker, 1, [{ name: "t", partitionIndexes: [0] }], "nobody");
    expect(unknownGroup.topics[0]?.partitions[0]).toMatchObject({ committedOffset: -1n, errorCode: 0 });
  });

  test("v6+ leader epochs, v1 commit timestamps, and every committed partition when topics is null (v2+)", async () => {
    const broker = await withTopics("t", "u");
    await commit(broker, 1, [{ name: "u", partitions: [partition(1, 5, "", { commitTimestamp: 1234n })] }]);
    await commit(broker, 8, [{ name: "t", partitions: [partition(0, 3, "", { committedLeaderEpoch: 9 })] }]);
    const stored = await broker.engine.fetchOffsets("g", null);
    expect(stored.find((o) => o.topic === "u")?.commitTimestamp).toBe(1234);
    expect(Math.abs((stored.find((o) => o.topic === "t")?.commitTimestamp ?? 0) - Date.now())).toBeLessThan(5000);
    const all = await fetch(broker, 6, null);
    expect(all.topics).toEqual([
      { name: "t", partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: 9, metadata: "", errorCode: 0 }] },
      { name: "u", partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 }] },
    ]);
  });

  test("v8+ fetches several groups at once", async () => {
    const broker = await withTopics("t");
    await commit(broker, 2, [{ name: "t", partitions: [partition(0, 1)] }], undefined, "g1");
    await commit(broker, 2, [{ name: "t", partitions: [partition(0, 2)] }], undefined, "g2");
    const response = await call(broker, OffsetFetchApi, 8, {
      groupId: "",
      topics: [],
      requireStable: true,
      groups: [
        { groupId: "g1", memberId: null, memberEpoch: -1, topics: [{ name: "t", partitionIndexes: [0] }] },
        { groupId: "g2", memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    expect(response.groups.map((g) => [g.groupId, g.errorCode, g.topics[0]?.partitions[0]?.committedOffset])).toEqual([
      ["g1", 0, 1n],
      ["g2", 0, 2n],
    ]);
  });

  test("unknown topics and partitions, oversized metadata", async () => {
    const broker = await withTopics("t");
    const response = await commit(broker, 3, [
      { name: "t", partitions: [partition(0, 1), partition(3, 1), partition(1, 1, "x".repeat(4097))] },
      { name: "nope", partitions: [partition(0, 1)] },
    ]);
    expect(codes(response)).toEqual([0, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, ErrorCodes.OFFSET_METADATA_TOO_LARGE, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION]);
    expect((await broker.engine.fetchOffsets("g", null)).map((o) => [o.topic, o.partition])).toEqual([["t", 0]]);
  });

  test("members commit with their generation; stale generations, strangers and memberless commits to a live group are refused", async () => {
    const broker = await withTopics("t");
    const { memberId, generationId } = await stableMember(broker, "g");
    const topics = [{ name: "t", partitions: [partition(0, 10)] }];
    expect(codes(await commit(broker, 7, topics, { memberId, generationId }))).toEqual([0]);
    expect(codes(await commit(broker, 7, topics, { memberId, generationId: generationId - 1 }))).toEqual([ErrorCodes.ILLEGAL_GENERATION]);
    expect(codes(await commit(broker, 7, topics, { memberId: "ghost", generationId }))).toEqual([ErrorCodes.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(broker, 7, topics))).toEqual([ErrorCodes.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(broker, 2, [{ name: "t", partitions: [partition(0, 1)] }], { memberId: "", generationId: 5 }, "fresh"))).toEqual([ErrorCodes.ILLEGAL_GENERATION]);
    expect((await fetch(broker, 3, [{ name: "t", partitionIndexes: [0] }])).topics[0]?.partitions[0]?.committedOffset).toBe(10n);
  });
});

describe("OffsetDelete", () => {
  test("an Empty group's offsets go; unknown groups and topics are reported", async () => {
    const broker = await withTopics("t");
    await commit(broker, 2, [{ name: "t", partitions: [partition(0, 1), partition(1, 1)] }]);
    const response = await call(broker, OffsetDeleteApi, 0, {
      groupId: "g",
      topics: [
        { name: "t", partitions: [{ partitionIndex: 0 }] },
        { name: "nope", partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(response.errorCode).toBe(0);
    expect(codes(response)).toEqual([0, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION]);
    expect((await broker.engine.fetchOffsets("g", null)).map((o) => o.partition)).toEqual([1]);
    expect((await call(broker, OffsetDeleteApi, 0, { groupId: "nobody", topics: [] })).errorCode).toBe(ErrorCodes.GROUP_ID_NOT_FOUND);
  });

  test("a consumer group with members keeps the offsets of topics it subscribes to", async () => {
    const broker = await withTopics("t", "u");
    const joined = await joinNew(broker, 5, { groupId: "g", protocols: [{ name: "range", metadata: consumerSubscription(["t"]) }] });
    await syncGroup(broker, 3, { groupId: "g", memberId: joined.memberId, generationId: joined.generationId, assignments: [{ memberId: joined.memberId, assignment: bytes("") }] });
    await commit(broker, 5, [{ name: "t", partitions: [partition(0, 1)] }, { name: "u", partitions: [partition(0, 1)] }], { memberId: joined.memberId, generationId: joined.generationId });
    const response = await call(broker, OffsetDeleteApi, 0, {
      groupId: "g",
      topics: [
        { name: "t", partitions: [{ partitionIndex: 0 }] },
        { name: "u", partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(codes(response)).toEqual([ErrorCodes.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
    expect((await broker.engine.fetchOffsets("g", null)).map((o) => o.topic)).toEqual(["t"]);
  });

  test("a group of another protocol type with members is NON_EMPTY_GROUP", async () => {
    const broker = await withTopics("t");
    await joinNew(broker, 5, { groupId: "c", protocolType: "connect" });
    const response = await call(broker, OffsetDeleteApi, 0, { groupId: "c", topics: [{ name: "t", partitions: [{ partitionIndex: 0 }] }] });
    expect(response).toMatchObject({ errorCode: ErrorCodes.NON_EMPTY_GROUP, topics: [] });
  });
});
