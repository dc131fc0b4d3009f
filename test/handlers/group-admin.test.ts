import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DeleteGroupsApi, DescribeGroupsApi, ListGroupsApi, OffsetCommitApi } from "../../src/protocol/generated/index.ts";
import { text } from "../groups/fixtures.ts";
import { call, testBroker } from "./broker.ts";
import { joinNew, stableMember } from "./groups.ts";

const FAST = ["--group-initial-rebalance-delay-ms", "0"];

describe("DescribeGroups", () => {
  test("a Stable group shows its protocol and each member's metadata and assignment", async () => {
    const broker = testBroker(FAST);
    const { memberId } = await stableMember(broker, "g", "my-assignment");
    const response = await call(broker, DescribeGroupsApi, 5, { groups: ["g", "nobody"], includeAuthorizedOperations: true });
    const [g, nobody] = response.groups;
    expect(g).toMatchObject({ errorCode: 0, groupId: "g", groupState: "Stable", protocolType: "consumer", protocolData: "range" });
    expect(g?.authorizedOperations).toBe((1 << 3) | (1 << 6) | (1 << 8));
    expect(g?.members.map((m) => [m.memberId, m.clientId, text(m.memberMetadata), text(m.memberAssignment)])).toEqual([[memberId, "test", "meta", "my-assignment"]]);
    expect(nobody).toMatchObject({ errorCode: 0, groupId: "nobody", groupState: "Dead", protocolType: "", protocolData: "", members: [] });
  });

  test("authorized operations are only sent when asked for", async () => {
    const broker = testBroker(FAST);
    const response = await call(broker, DescribeGroupsApi, 3, { groups: ["g"], includeAuthorizedOperations: false });
    expect(response.groups[0]?.authorizedOperations).toBe(-2147483648);
  });
});

describe("ListGroups", () => {
  test("lists every group with its state; v4+ filter by state and v5+ by type", async () => {
    const broker = testBroker(FAST);
    await stableMember(broker, "stable");
    await joinNew(broker, 5, { groupId: "completing" });
    await broker.engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
    await call(broker, OffsetCommitApi, 2, { groupId: "offsets-only", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: "" }] }] });
    const all = await call(broker, ListGroupsApi, 5, { statesFilter: [], typesFilter: [] });
    const byId = Object.fromEntries(all.groups.map((g) => [g.groupId, [g.groupState, g.protocolType, g.groupType]]));
    expect(byId).toEqual({
      stable: ["Stable", "consumer", "classic"],
      completing: ["CompletingRebalance", "consumer", "classic"],
      "offsets-only": ["Empty", "", "classic"],
    });
    const filtered = await call(broker, ListGroupsApi, 4, { statesFilter: ["stable", "Empty"], typesFilter: [] });
    expect(filtered.groups.map((g) => g.groupId).sort()).toEqual(["offsets-only", "stable"]);
    expect((await call(broker, ListGroupsApi, 5, { statesFilter: [], typesFilter: ["consumer"] })).groups).toEqual([]);
    expect((await call(broker, ListGroupsApi, 5, { statesFilter: [], typesFilter: ["Classic"] })).groups).toHaveLength(3);
  });
});

describe("DeleteGroups", () => {
  test("deletes groups without members along with their offsets; others are NON_EMPTY_GROUP or GROUP_ID_NOT_FOUND", async () => {
    const broker = testBroker(FAST);
    await broker.engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
    await call(broker, OffsetCommitApi, 2, { groupId: "idle", generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: "" }] }] });
    await stableMember(broker, "busy");
    const response = await call(broker, DeleteGroupsApi, 2, { groupsNames: ["idle", "busy", "nobody", "idle"] });
    expect(response.results).toEqual([
      { groupId: "idle", errorCode: 0 },
      { groupId: "busy", errorCode: ErrorCodes.NON_EMPTY_GROUP },
      { groupId: "nobody", errorCode: ErrorCodes.GROUP_ID_NOT_FOUND },
    ]);
    expect(await broker.engine.getGroup("idle")).toBeNull();
    expect(await broker.engine.fetchOffsets("idle", null)).toEqual([]);
    expect(await broker.engine.getGroup("busy")).not.toBeNull();
  });

  test("a group whose members' sessions have all expired counts as empty", async () => {
    const broker = testBroker([...FAST, "--group-min-session-timeout-ms", "50"]);
    await joinNew(broker, 5, { groupId: "g", sessionTimeoutMs: 50, rebalanceTimeoutMs: 50 });
    expect((await call(broker, DeleteGroupsApi, 0, { groupsNames: ["g"] })).results[0]?.errorCode).toBe(ErrorCodes.NON_EMPTY_GROUP);
    await Bun.sleep(120);
    expect((await call(broker, DescribeGroupsApi, 0, { groups: ["g"], includeAuthorizedOperations: false })).groups[0]?.groupState).toBe("Empty");
    expect((await call(broker, DeleteGroupsApi, 1, { groupsNames: ["g"] })).results[0]?.errorCode).toBe(0);
  });
});
