import { describe, expect, test } from "bun:test";
import { heartbeat, leaveGroup, offsetCommitCheck } from "../../src/groups/membership.ts";
import type { GroupState } from "../../src/groups/state.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CONFIG, T0, join, joinNew, joinRequest, stableGroup } from "./fixtures.ts";

const beat = (group: GroupState | null, memberId: string, at: number, generationId = group?.generationId ?? 0) =>
  heartbeat(group, { memberId, groupInstanceId: null, generationId }, at, CONFIG);

describe("Heartbeat", () => {
  test("renews the session of a member of the current generation", () => {
    const { group, members } = stableGroup(2);
    const [a = ""] = members;
    const renewed = beat(group, a, T0 + 9000);
    expect(renewed.reply).toBe(ErrorCodes.NONE);
    expect(renewed.group?.members.find((m) => m.memberId === a)?.heartbeatDeadline).toBe(T0 + 19_000);
  });

  test("answers REBALANCE_IN_PROGRESS while the group prepares a rebalance", () => {
    const { group, members } = stableGroup(2);
    const preparing = joinNew(group, T0 + 1).group;
    expect(beat(preparing, members[1] ?? "", T0 + 2).reply).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
  });

  test("errors: unknown member or group, wrong generation", () => {
    const { group, members } = stableGroup(1);
    expect(beat(group, "ghost", T0).reply).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
    expect(beat(group, members[0] ?? "", T0, 7).reply).toBe(ErrorCodes.ILLEGAL_GENERATION);
    expect(beat(null, "ghost", T0)).toEqual({ group: null, reply: ErrorCodes.UNKNOWN_MEMBER_ID });
  });

  test("a member whose session expired is removed when the group is next touched, and the rest rebalance", () => {
    const { group, members } = stableGroup(2, T0, { sessionTimeoutMs: 3000 });
    const [a = ""] = members;
    let g = beat(group, a, T0 + 2000).group;
    g = beat(g, a, T0 + 4000).group;
    // b's session ended at T0+3000, which a's heartbeat at T0+4000 replays
    expect(g?.members.map((m) => m.memberId)).toEqual([a]);
    expect(g).toMatchObject({ state: "PreparingRebalance", stateTimestamp: T0 + 3000 });
    expect(beat(g, a, T0 + 4001).reply).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    if (g === null) throw new Error("no group");
    const rejoined = join(g, joinRequest({ memberId: a, sessionTimeoutMs: 3000 }), T0 + 4002).group;
    expect(rejoined).toMatchObject({ state: "CompletingRebalance", generationId: 3, leaderId: a });
  });
});

describe("LeaveGroup", () => {
  test("a member leaving makes the others rebalance; the leader's successor is the next member", () => {
    const { group, members } = stableGroup(3);
    const [a = "", b = "", c = ""] = members;
    const left = leaveGroup(group, [{ memberId: a, groupInstanceId: null }], T0 + 1, CONFIG);
    expect(left.reply).toEqual([ErrorCodes.NONE]);
    expect(left.group).toMatchObject({ state: "PreparingRebalance", leaderId: b });
    expect(left.group?.members.map((m) => m.memberId)).toEqual([b, c]);
  });

  test("the last member leaving empties the group and advances the generation", () => {
    const { group, members } = stableGroup(1);
    const left = leaveGroup(group, [{ memberId: members[0] ?? "", groupInstanceId: null }], T0 + 1, CONFIG);
    expect(left.group).toMatchObject({ state: "Empty", generationId: 2, members: [], protocolName: null, leaderId: null });
  });

  test("a batch: members, a reserved member id, a static member by instance id, unknown ones", () => {
    let g = joinNew(null, T0, { groupInstanceId: null }).group;
    g = join(g, joinRequest({ groupInstanceId: "s", requireKnownMemberId: false }), T0).group;
    const pending = join(g, joinRequest({ newMemberId: "pending-1" }), T0).group;
    const [dynamic = ""] = pending.members.map((m) => m.memberId);
    const left = leaveGroup(
      pending,
      [
        { memberId: dynamic, groupInstanceId: null },
        { memberId: "pending-1", groupInstanceId: null },
        { memberId: "", groupInstanceId: "s" },
        { memberId: "", groupInstanceId: "nobody" },
        { memberId: "ghost", groupInstanceId: null },
      ],
      T0 + 1,
      CONFIG,
    );
    expect(left.reply).toEqual([ErrorCodes.NONE, ErrorCodes.NONE, ErrorCodes.NONE, ErrorCodes.UNKNOWN_MEMBER_ID, ErrorCodes.UNKNOWN_MEMBER_ID]);
    expect(left.group).toMatchObject({ state: "Empty", members: [], pendingMembers: [] });
    expect(leaveGroup(null, [{ memberId: "x", groupInstanceId: null }], T0, CONFIG)).toEqual({ group: null, reply: [ErrorCodes.UNKNOWN_MEMBER_ID] });
  });
});

describe("OffsetCommit membership check", () => {
  const member = (memberId: string, generationId: number) => ({ memberId, groupInstanceId: null, generationId });

  test("commits without a member create the group and are allowed while it has no members", () => {
    const created = offsetCommitCheck(null, member("", -1), T0, CONFIG);
    expect(created.reply).toBe(ErrorCodes.NONE);
    expect(created.group).toMatchObject({ state: "Empty", generationId: 0, members: [] });
    expect(offsetCommitCheck(created.group, member("", -1), T0, CONFIG).reply).toBe(ErrorCodes.NONE);
    expect(offsetCommitCheck(null, member("", 3), T0, CONFIG)).toEqual({ group: null, reply: ErrorCodes.ILLEGAL_GENERATION });
    expect(offsetCommitCheck(null, member("m", -1), T0, CONFIG)).toEqual({ group: null, reply: ErrorCodes.UNKNOWN_MEMBER_ID });
  });

  test("members must name the current generation; commits without a member are refused while there are members", () => {
    const { group, members } = stableGroup(2);
    const [a = ""] = members;
    expect(offsetCommitCheck(group, member(a, 2), T0 + 5000, CONFIG)).toMatchObject({ reply: ErrorCodes.NONE });
    expect(offsetCommitCheck(group, member(a, 2), T0 + 5000, CONFIG).group?.members[0]?.heartbeatDeadline).toBe(T0 + 15_000);
    expect(offsetCommitCheck(group, member(a, 1), T0, CONFIG).reply).toBe(ErrorCodes.ILLEGAL_GENERATION);
    expect(offsetCommitCheck(group, member("ghost", 2), T0, CONFIG).reply).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
    expect(offsetCommitCheck(group, member("", -1), T0, CONFIG).reply).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
  });

  test("a member of a generation still completing is told REBALANCE_IN_PROGRESS; while preparing, commits are accepted", () => {
    const a = joinNew(null, T0);
    expect(offsetCommitCheck(a.group, member(a.memberId, 1), T0, CONFIG).reply).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    const { group, members } = stableGroup(2);
    const preparing = joinNew(group, T0 + 1).group;
    expect(offsetCommitCheck(preparing, member(members[1] ?? "", 2), T0 + 2, CONFIG).reply).toBe(ErrorCodes.NONE);
  });
});
