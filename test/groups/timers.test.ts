import { describe, expect, test } from "bun:test";
import { summarize, subscribedTopics, subscriptionTopics } from "../../src/groups/describe.ts";
import { type GroupState, toBase64 } from "../../src/groups/state.ts";
import { nextDeadline, settled } from "../../src/groups/timers.ts";
import { CONFIG, T0, consumerSubscription, join, joinNew, joinRequest, outcome, stableGroup, text } from "./fixtures.ts";

describe("lazy timers", () => {
  test("a reserved member id holds the rebalance until it joins or its session timeout passes", () => {
    const { group, members } = stableGroup(1);
    const [a = ""] = members;
    const reserved = join(group, joinRequest({ newMemberId: "late" }), T0 + 1).group;
    expect(reserved.pendingMembers).toEqual([{ memberId: "late", deadline: T0 + 10_001 }]);
    expect(reserved.state).toBe("Stable");
    const rejoined = join(reserved, joinRequest({ memberId: a }), T0 + 2);
    expect(rejoined.group.state).toBe("PreparingRebalance");
    expect(outcome(rejoined.group, rejoined.reply)).toBeNull();
    expect(nextDeadline(rejoined.group)).toBe(T0 + 10_001);
    const expired = settled(rejoined.group, T0 + 10_001, CONFIG);
    expect(expired).toMatchObject({ state: "CompletingRebalance", generationId: 2, pendingMembers: [], stateTimestamp: T0 + 10_001 });
  });

  test("deadlines replay in time order, each as of its own time", () => {
    const { group, members } = stableGroup(3, T0, { sessionTimeoutMs: 5000, rebalanceTimeoutMs: 8000 });
    const [a = "", b = "", c = ""] = members;
    // last heartbeats: a at T0+2000, b at T0+4000, c never
    const deadlines = new Map([[a, T0 + 7000], [b, T0 + 9000], [c, T0 + 5000]]);
    const g: GroupState = { ...group, members: group.members.map((m) => ({ ...m, heartbeatDeadline: deadlines.get(m.memberId) ?? 0 })) };
    const at = (t: number) => settled(g, t, CONFIG);
    expect(at(T0 + 4999).members).toHaveLength(3);
    expect(at(T0 + 5000)).toMatchObject({ state: "PreparingRebalance", stateTimestamp: T0 + 5000, joinTimer: { deadline: T0 + 13_000 } });
    expect(at(T0 + 5000).members.map((m) => m.memberId)).toEqual([a, b]);
    expect(nextDeadline(at(T0 + 5000))).toBe(T0 + 7000);
    expect(at(T0 + 8000)).toMatchObject({ state: "PreparingRebalance", leaderId: b });
    // b's session ends before the rebalance deadline: nobody is left to wait for
    expect(at(T0 + 20_000)).toMatchObject({ state: "Empty", generationId: 4, members: [], stateTimestamp: T0 + 9000 });
  });

  test("state stays plain JSON", () => {
    const { group } = stableGroup(2);
    const preparing = joinNew(group, T0 + 1).group;
    expect(JSON.parse(JSON.stringify(preparing))).toEqual(preparing);
  });

  test("settled leaves its input untouched", () => {
    const { group } = stableGroup(2);
    const before = JSON.stringify(group);
    settled(group, T0 + 1_000_000, CONFIG);
    expect(JSON.stringify(group)).toBe(before);
  });
});

describe("describing groups", () => {
  test("only a Stable group shows its protocol, metadata and assignments", () => {
    const { group } = stableGroup(2);
    const stable = summarize(group);
    expect(stable).toMatchObject({ groupState: "Stable", protocolType: "consumer", protocolData: "range" });
    expect(stable.members.map((m) => [text(m.memberMetadata), text(m.memberAssignment), m.clientId, m.clientHost])).toEqual([
      ["range", "a-0", "client", "/127.0.0.1"],
      ["range", "a-1", "client", "/127.0.0.1"],
    ]);
    const preparing = summarize(joinNew(group, T0 + 1).group);
    expect(preparing).toMatchObject({ groupState: "PreparingRebalance", protocolData: "" });
    expect(preparing.members.every((m) => m.memberMetadata.length === 0 && m.memberAssignment.length === 0)).toBe(true);
    expect(summarize(null)).toEqual({ groupState: "Dead", protocolType: "", protocolData: "", members: [] });
  });

  test("a consumer group's subscribed topics come from its members' subscriptions", () => {
    expect(subscriptionTopics(consumerSubscription(["a", "b"]))).toEqual(["a", "b"]);
    expect(subscriptionTopics(consumerSubscription(["x"], 0))).toEqual(["x"]);
    expect(subscriptionTopics(new Uint8Array([0, 1, 0]))).toBeNull();
    const { group } = stableGroup(2);
    const withSubscriptions: GroupState = {
      ...group,
      members: group.members.map((m, i) => ({ ...m, protocols: [{ name: "range", metadata: toBase64(consumerSubscription(i === 0 ? ["t1"] : ["t1", "t2"])) }] })),
    };
    expect(subscribedTopics(withSubscriptions)).toEqual(new Set(["t1", "t2"]));
    // "range" metadata that is not a subscription: unknown, so every topic counts as subscribed
    expect(subscribedTopics(group)).toBeNull();
    expect(subscribedTopics({ ...withSubscriptions, protocolType: "connect" })).toBeNull();
  });
});
