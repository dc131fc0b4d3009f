import { describe, expect, test } from "bun:test";
import type { GroupState } from "../../src/groups/state.ts";
import { heartbeat, leaveGroup, offsetCommitCheck } from "../../src/groups/membership.ts";
import { syncGroup } from "../../src/groups/sync.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CONFIG, T0, done, join, joinRequest, outcome, protocol, sync, text } from "./fixtures.ts";

/** A Stable group of static members "a" (leader) and "b", assigned "for-a" and "for-b". */
function staticGroup(): { group: GroupState; a: string; b: string } {
  const first = join(null, joinRequest({ groupInstanceId: "a" }), T0);
  const a = outcome(first.group, first.reply)?.memberId ?? "";
  const second = join(first.group, joinRequest({ groupInstanceId: "b" }), T0);
  let group = join(second.group, joinRequest({ memberId: a, groupInstanceId: "a" }), T0).group;
  const b = outcome(group, second.reply)?.memberId ?? "";
  expect(group).toMatchObject({ state: "CompletingRebalance", generationId: 2, leaderId: a });
  group = sync(group, a, T0, { [a]: "for-a", [b]: "for-b" }).group;
  group = sync(group, b, T0).group;
  expect(group.state).toBe("Stable");
  return { group, a, b };
}

const beat = (group: GroupState, memberId: string, groupInstanceId: string | null, at: number) =>
  heartbeat(group, { memberId, groupInstanceId, generationId: group.generationId }, at, CONFIG).reply;

describe("static membership", () => {
  test("static members join without MEMBER_ID_REQUIRED and get ids from their instance id", () => {
    const { group, a, b } = staticGroup();
    expect(a).toStartWith("a-");
    expect(b).toStartWith("b-");
    expect(group.members.map((m) => m.groupInstanceId)).toEqual(["a", "b"]);
  });

  test("a restart with the same instance id and protocols replaces the member without a rebalance", () => {
    const { group, a, b } = staticGroup();
    const restarted = join(group, joinRequest({ groupInstanceId: "b" }), T0 + 1000);
    const result = done(restarted.reply);
    expect(result).toMatchObject({ errorCode: 0, generationId: 2, leader: a, members: [], skipAssignment: false });
    expect(result.memberId).not.toBe(b);
    expect(restarted.group).toMatchObject({ state: "Stable", generationId: 2 });
    // the new id has the old one's assignment; the old id is fenced
    const resynced = sync(restarted.group, result.memberId, T0 + 1001);
    expect(resynced.reply.kind === "done" && text(resynced.reply.result.assignment)).toBe("for-b");
    expect(beat(restarted.group, b, "b", T0 + 1002)).toBe(ErrorCodes.FENCED_INSTANCE_ID);
    expect(beat(restarted.group, result.memberId, "b", T0 + 1002)).toBe(ErrorCodes.NONE);
  });

  test("a restarted leader is not told it leads before v9; from v9 it is, with skipAssignment", () => {
    const { group, a } = staticGroup();
    const old = done(join(group, joinRequest({ groupInstanceId: "a" }), T0 + 1).reply);
    expect(old.leader).toBe(a);
    expect(old.memberId).not.toBe(a);
    expect(old.members).toEqual([]);
    const v9 = join(group, joinRequest({ groupInstanceId: "a", supportsSkipAssignment: true }), T0 + 1);
    const result = done(v9.reply);
    expect(result).toMatchObject({ skipAssignment: true, leader: result.memberId, generationId: 2 });
    expect(result.members).toHaveLength(2);
    expect(v9.group.leaderId).toBe(result.memberId);
    expect(v9.group.state).toBe("Stable");
  });

  test("a restart whose protocols change the group's choice rebalances", () => {
    const { group } = staticGroup();
    const changed = join(group, joinRequest({ groupInstanceId: "b", protocols: [protocol("roundrobin"), protocol("range")] }), T0 + 1);
    // "a" supports only "range", so the choice cannot change
    expect(changed.group.state).toBe("Stable");
    const firstChoice = join(changed.group, joinRequest({ groupInstanceId: "a", protocols: [protocol("roundrobin"), protocol("range")] }), T0 + 2);
    expect(firstChoice.group.state).toBe("PreparingRebalance");
    expect(firstChoice.reply.kind).toBe("wait");
  });

  test("a stale member id of an instance is fenced in JoinGroup, SyncGroup, LeaveGroup and OffsetCommit", () => {
    const { group, b } = staticGroup();
    const restarted = join(group, joinRequest({ groupInstanceId: "b" }), T0 + 1).group;
    const stale = { memberId: b, groupInstanceId: "b", generationId: 2 };
    expect(done(join(restarted, joinRequest({ memberId: b, groupInstanceId: "b" }), T0 + 2).reply).errorCode).toBe(ErrorCodes.FENCED_INSTANCE_ID);
    expect(syncGroup(restarted, { ...stale, protocolType: null, protocolName: null, assignments: [] }, T0 + 2, CONFIG).reply).toMatchObject({ result: { errorCode: ErrorCodes.FENCED_INSTANCE_ID } });
    expect(leaveGroup(restarted, [stale], T0 + 2, CONFIG).reply).toEqual([ErrorCodes.FENCED_INSTANCE_ID]);
    expect(offsetCommitCheck(restarted, stale, T0 + 2, CONFIG).reply).toBe(ErrorCodes.FENCED_INSTANCE_ID);
  });

  test("static members that do not rejoin stay through a rebalance until their session expires", () => {
    const { group, a, b } = staticGroup();
    const rejoin = join(group, joinRequest({ memberId: a, groupInstanceId: "a" }), T0 + 100);
    expect(rejoin.group.state).toBe("PreparingRebalance");
    // b neither rejoins nor heartbeats: its session ends at T0+10000, before the rebalance
    // deadline, and the generation completes without it
    const later = join(rejoin.group, joinRequest({ memberId: "x" }), T0 + 10_001).group;
    expect(later).toMatchObject({ state: "CompletingRebalance", generationId: 3, stateTimestamp: T0 + 10_000 });
    expect(later.members.map((m) => m.memberId)).toEqual([a]);
    // with a session longer than the rebalance, b stays in the new generation
    const long = { ...group, members: group.members.map((m) => ({ ...m, heartbeatDeadline: T0 + 120_000 })) };
    const kept = join(join(long, joinRequest({ memberId: a, groupInstanceId: "a" }), T0 + 100).group, joinRequest({ memberId: "x" }), T0 + 30_100).group;
    expect(kept).toMatchObject({ state: "CompletingRebalance", generationId: 3 });
    expect(kept.members.map((m) => m.memberId)).toEqual([a, b]);
  });
});
