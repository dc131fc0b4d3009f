import { describe, expect, test } from "bun:test";
import { syncGroup, syncOutcome } from "../../src/groups/sync.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CONFIG, T0, join, joinNew, joinRequest, sync, text } from "./fixtures.ts";

function completing(sessionTimeoutMs = 10_000) {
  const a = joinNew(null, T0, { sessionTimeoutMs });
  const b = joinNew(a.group, T0, { sessionTimeoutMs });
  const group = join(b.group, joinRequest({ memberId: a.memberId, sessionTimeoutMs }), T0).group;
  expect(group).toMatchObject({ state: "CompletingRebalance", generationId: 2, leaderId: a.memberId });
  return { group, leader: a.memberId, follower: b.memberId };
}

describe("SyncGroup", () => {
  test("a follower waits for the leader, whose assignments make the group Stable", () => {
    const { group, leader, follower } = completing();
    const waiting = sync(group, follower, T0 + 1);
    expect(waiting.reply).toEqual({ kind: "wait", memberId: follower, groupInstanceId: null, generationId: 2 });
    expect(waiting.group.pendingSync).toEqual([leader]);
    expect(syncOutcome(waiting.group, waiting.reply.kind === "wait" ? waiting.reply : { memberId: "", groupInstanceId: null, generationId: 0 })).toBeNull();

    const led = sync(waiting.group, leader, T0 + 2, { [leader]: "for-leader", [follower]: "for-follower" });
    expect(led.group).toMatchObject({ state: "Stable", pendingSync: [], syncDeadline: null, stateTimestamp: T0 + 2 });
    if (led.reply.kind !== "done" || waiting.reply.kind !== "wait") throw new Error("unexpected replies");
    expect(text(led.reply.result.assignment)).toBe("for-leader");
    expect(led.reply.result).toMatchObject({ errorCode: 0, protocolType: "consumer", protocolName: "range" });
    const followerResult = syncOutcome(led.group, waiting.reply);
    expect(text(followerResult?.assignment ?? new Uint8Array())).toBe("for-follower");
  });

  test("members the leader leaves out get an empty assignment; a SyncGroup in a Stable group returns the assignment", () => {
    const { group, leader, follower } = completing();
    const led = sync(group, leader, T0, { [leader]: "x" });
    const later = sync(led.group, follower, T0 + 5);
    expect(later.reply).toMatchObject({ kind: "done", result: { errorCode: 0, assignment: new Uint8Array(0) } });
    expect(later.group.pendingSync).toEqual([]);
  });

  test("errors: unknown member, wrong generation, rebalance in progress, protocol mismatch", () => {
    const { group, leader } = completing();
    const error = (reply: ReturnType<typeof sync>["reply"]) => (reply.kind === "done" ? reply.result.errorCode : "waits");
    expect(error(sync(group, "ghost", T0).reply)).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
    expect(error(sync(group, leader, T0, {}, 1).reply)).toBe(ErrorCodes.ILLEGAL_GENERATION);
    const preparing = joinNew(group, T0).group;
    expect(error(sync(preparing, leader, T0).reply)).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    const mismatch = syncGroup(group, { memberId: leader, groupInstanceId: null, generationId: 2, protocolType: "consumer", protocolName: "roundrobin", assignments: [] }, T0, CONFIG);
    expect(mismatch.reply).toMatchObject({ kind: "done", result: { errorCode: ErrorCodes.INCONSISTENT_GROUP_PROTOCOL } });
    const wrongType = syncGroup(group, { memberId: leader, groupInstanceId: null, generationId: 2, protocolType: "connect", protocolName: "range", assignments: [] }, T0, CONFIG);
    expect(wrongType.reply).toMatchObject({ kind: "done", result: { errorCode: ErrorCodes.INCONSISTENT_GROUP_PROTOCOL } });
    expect(syncGroup(null, { memberId: leader, groupInstanceId: null, generationId: 2, protocolType: null, protocolName: null, assignments: [] }, T0, CONFIG).reply).toMatchObject({ result: { errorCode: ErrorCodes.UNKNOWN_MEMBER_ID } });
  });

  test("a waiting follower is told REBALANCE_IN_PROGRESS when a rebalance starts instead", () => {
    const { group, follower } = completing();
    const waiting = sync(group, follower, T0);
    if (waiting.reply.kind !== "wait") throw new Error("follower should wait");
    const rebalancing = joinNew(waiting.group, T0 + 1).group;
    expect(rebalancing.state).toBe("PreparingRebalance");
    expect(syncOutcome(rebalancing, waiting.reply)?.errorCode).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
  });

  test("a leader that never syncs is removed after the rebalance timeout and the group rebalances", () => {
    // sessions longer than the rebalance timeout, so only the sync deadline can remove the leader
    const { group, leader, follower } = completing(60_000);
    const waiting = sync(group, follower, T0 + 1);
    if (waiting.reply.kind !== "wait") throw new Error("follower should wait");
    expect(waiting.group.syncDeadline).toBe(T0 + 30_000);
    const afterDeadline = sync(waiting.group, "ghost", T0 + 30_000).group;
    expect(afterDeadline.state).toBe("PreparingRebalance");
    expect(afterDeadline.members.map((m) => m.memberId)).toEqual([follower]);
    expect(afterDeadline.leaderId).toBe(follower);
    expect(syncOutcome(afterDeadline, waiting.reply)?.errorCode).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    expect(afterDeadline.members.some((m) => m.memberId === leader)).toBe(false);
  });
});
