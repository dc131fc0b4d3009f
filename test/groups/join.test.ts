import { describe, expect, test } from "bun:test";
import { joinGroup } from "../../src/groups/join.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CONFIG, T0, done, join, joinNew, joinRequest, outcome, protocol, stableGroup, text } from "./fixtures.ts";

describe("JoinGroup", () => {
  test("a first dynamic join reserves a member id (MEMBER_ID_REQUIRED); joining with it forms generation 1", () => {
    const first = join(null, joinRequest({ newMemberId: "client-1" }), T0);
    expect(done(first.reply)).toMatchObject({ errorCode: ErrorCodes.MEMBER_ID_REQUIRED, memberId: "client-1", generationId: -1 });
    expect(first.group).toMatchObject({ state: "Empty", members: [], pendingMembers: [{ memberId: "client-1", deadline: T0 + 10_000 }] });

    const second = join(first.group, joinRequest({ memberId: "client-1" }), T0 + 5);
    expect(second.group).toMatchObject({ state: "CompletingRebalance", generationId: 1, leaderId: "client-1", protocolType: "consumer", protocolName: "range", pendingMembers: [] });
    const result = outcome(second.group, second.reply);
    expect(result).toMatchObject({ errorCode: 0, generationId: 1, leader: "client-1", memberId: "client-1", protocolType: "consumer", protocolName: "range" });
    expect(result?.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([["client-1", "range"]]);
  });

  test("before v4 (and for static members) the first join adds the member at once", () => {
    const { group, reply } = join(null, joinRequest({ requireKnownMemberId: false, newMemberId: "m" }), T0);
    expect(group.state).toBe("CompletingRebalance");
    expect(outcome(group, reply)?.memberId).toBe("m");
  });

  test("the leader gets every member's metadata for the chosen protocol; followers get none", () => {
    const a = joinNew(null, T0, { protocols: [protocol("range", "meta-a")] });
    const b = joinNew(a.group, T0, { protocols: [protocol("range", "meta-b")] });
    expect(b.group.state).toBe("PreparingRebalance");
    expect(outcome(b.group, b.reply)).toBeNull();
    const rejoin = join(b.group, joinRequest({ memberId: a.memberId, protocols: [protocol("range", "meta-a")] }), T0 + 1);
    expect(rejoin.group).toMatchObject({ state: "CompletingRebalance", generationId: 2, leaderId: a.memberId });
    const leader = outcome(rejoin.group, rejoin.reply);
    expect(leader?.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([
      [a.memberId, "meta-a"],
      [b.memberId, "meta-b"],
    ]);
    const follower = outcome(rejoin.group, b.reply);
    expect(follower).toMatchObject({ errorCode: 0, generationId: 2, leader: a.memberId, memberId: b.memberId, members: [] });
  });

  test("the initial rebalance delay waits for more members and extends while they keep coming", () => {
    const config = { ...CONFIG, initialRebalanceDelayMs: 3000 };
    const a = joinNew(null, T0, {}, config);
    expect(a.group).toMatchObject({ state: "PreparingRebalance", joinTimer: { kind: "initial", deadline: T0 + 3000, remainingMs: 27_000 } });
    const b = joinNew(a.group, T0 + 1000, {}, config);
    // generation 0 with a new member: at the deadline the delay starts again
    const atFirstDeadline = join(b.group, joinRequest({ memberId: a.memberId }), T0 + 3000, config);
    expect(atFirstDeadline.group).toMatchObject({ state: "PreparingRebalance", joinTimer: { kind: "initial", deadline: T0 + 6000, remainingMs: 24_000 } });
    const later = join(atFirstDeadline.group, joinRequest({ memberId: b.memberId }), T0 + 6000, config);
    expect(later.group).toMatchObject({ state: "CompletingRebalance", generationId: 1 });
    expect(later.group.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
  });

  test("a rebalance completes as soon as every member has rejoined", () => {
    const { group, members } = stableGroup(3);
    const [a = "", b = "", c = ""] = members;
    let g = join(group, joinRequest({ memberId: a }), T0 + 10).group;
    expect(g).toMatchObject({ state: "PreparingRebalance", generationId: 3 });
    g = join(g, joinRequest({ memberId: b }), T0 + 20).group;
    expect(g.state).toBe("PreparingRebalance");
    g = join(g, joinRequest({ memberId: c }), T0 + 30).group;
    expect(g).toMatchObject({ state: "CompletingRebalance", generationId: 4, stateTimestamp: T0 + 30 });
  });

  test("members that do not rejoin within the rebalance timeout are dropped", () => {
    const session = { sessionTimeoutMs: 60_000 };
    const { group, members } = stableGroup(3, T0, session);
    const [a = "", b = "", c = ""] = members;
    const first = join(group, joinRequest({ ...session, memberId: a }), T0 + 10);
    const g = join(first.group, joinRequest({ ...session, memberId: b }), T0 + 20).group;
    expect(g.joinTimer).toEqual({ kind: "rebalance", deadline: T0 + 10 + 30_000 });
    const reply = first.reply;
    const after = join(g, joinRequest({ memberId: "unknown" }), T0 + 30_010).group;
    expect(after).toMatchObject({ state: "CompletingRebalance", generationId: 4 });
    expect(after.members.map((m) => m.memberId)).toEqual([a, b]);
    expect(outcome(after, reply)?.generationId).toBe(4);
    expect(after.members.some((m) => m.memberId === c)).toBe(false);
  });

  test("a follower rejoining a Stable group with the same protocols gets the current generation; the leader forces a rebalance", () => {
    const { group, members } = stableGroup(2);
    const [leader = "", follower = ""] = members;
    const same = join(group, joinRequest({ memberId: follower }), T0 + 1);
    expect(done(same.reply)).toMatchObject({ errorCode: 0, generationId: 2, leader, members: [] });
    expect(same.group.state).toBe("Stable");
    expect(join(group, joinRequest({ memberId: follower, protocols: [protocol("range", "changed")] }), T0 + 1).group.state).toBe("PreparingRebalance");
    expect(join(group, joinRequest({ memberId: leader }), T0 + 1).group.state).toBe("PreparingRebalance");
  });

  test("a member that missed its JoinGroup answer gets it again while the group completes", () => {
    const a = joinNew(null, T0);
    expect(a.group.state).toBe("CompletingRebalance");
    const again = join(a.group, joinRequest({ memberId: a.memberId }), T0 + 1);
    expect(done(again.reply)).toMatchObject({ generationId: 1, leader: a.memberId });
    expect(done(again.reply).members).toHaveLength(1);
    expect(again.group.state).toBe("CompletingRebalance");
  });

  test("errors: session timeout bounds, unknown members and groups, protocol mismatches", () => {
    const tooShort = joinGroup(null, joinRequest({ sessionTimeoutMs: 999 }), T0, CONFIG);
    expect(tooShort).toMatchObject({ group: null, reply: { result: { errorCode: ErrorCodes.INVALID_SESSION_TIMEOUT } } });
    const tooLong = joinGroup(null, joinRequest({ sessionTimeoutMs: 600_001 }), T0, CONFIG);
    expect(tooLong).toMatchObject({ group: null, reply: { result: { errorCode: ErrorCodes.INVALID_SESSION_TIMEOUT } } });
    expect(joinGroup(null, joinRequest({ memberId: "ghost" }), T0, CONFIG)).toMatchObject({ group: null, reply: { kind: "done", result: { errorCode: ErrorCodes.UNKNOWN_MEMBER_ID, memberId: "ghost" } } });
    expect(joinGroup(null, joinRequest({ protocols: [] }), T0, CONFIG)).toMatchObject({ group: null, reply: { result: { errorCode: ErrorCodes.INCONSISTENT_GROUP_PROTOCOL } } });
    const { group, members } = stableGroup(1);
    expect(done(join(group, joinRequest({ memberId: "ghost" }), T0).reply).errorCode).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
    expect(done(join(group, joinRequest({ protocolType: "connect" }), T0).reply)).toMatchObject({ errorCode: ErrorCodes.INCONSISTENT_GROUP_PROTOCOL, memberId: "" });
    expect(done(join(group, joinRequest({ memberId: members[0] ?? "", protocols: [protocol("roundrobin")] }), T0).reply).errorCode).toBe(ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
  });

  test("the chosen protocol is the one most members rank highest among those all support", () => {
    const dynamic = { requireKnownMemberId: false };
    let g = join(null, joinRequest({ ...dynamic, protocols: [protocol("range"), protocol("roundrobin"), protocol("sticky")] }), T0).group;
    g = join(g, joinRequest({ ...dynamic, protocols: [protocol("roundrobin"), protocol("range")] }), T0).group;
    g = join(g, joinRequest({ ...dynamic, protocols: [protocol("roundrobin"), protocol("sticky"), protocol("range")] }), T0).group;
    for (const m of g.members.filter((m) => !m.awaitingJoin)) g = join(g, joinRequest({ memberId: m.memberId, protocols: m.protocols }), T0).group;
    expect(g.state).toBe("CompletingRebalance");
    expect(g.protocolName).toBe("roundrobin");
  });
});
