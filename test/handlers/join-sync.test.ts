import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { HeartbeatApi, JoinGroupApi, LeaveGroupApi } from "../../src/protocol/generated/index.ts";
import type { MemoryEngine } from "../../src/storage/memory/index.ts";
import { bytes, text } from "../groups/fixtures.ts";
import { asSeenAt, call, testBroker } from "./broker.ts";
import { heartbeat, joinGroup, joinNew, pendingAfter, stableMember, syncGroup } from "./groups.ts";

const FAST = ["--group-initial-rebalance-delay-ms", "0"];

describe("JoinGroup and SyncGroup", () => {
  test("v4+: the first join answers MEMBER_ID_REQUIRED with clientId-UUID; the member then forms the group", async () => {
    const broker = testBroker(FAST);
    const first = await joinGroup(broker, 4, { groupId: "g" });
    expect(first).toMatchObject({ errorCode: ErrorCodes.MEMBER_ID_REQUIRED, generationId: -1 });
    expect(first.memberId).toMatch(/^test-[0-9a-f-]{36}$/);
    const second = await joinGroup(broker, 4, { groupId: "g", memberId: first.memberId });
    expect(second).toMatchObject({ errorCode: 0, generationId: 1, leader: first.memberId, memberId: first.memberId, protocolName: "range" });
    expect(second.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([[first.memberId, "meta"]]);
  });

  test("v0–3 join at once; v0 uses the session timeout as the rebalance timeout", async () => {
    const broker = testBroker(FAST);
    const joined = await joinGroup(broker, 0, { groupId: "g", rebalanceTimeoutMs: -1 });
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1 });
    const stored = JSON.parse((await broker.engine.getGroup("g"))?.state ?? "{}") as { members: { rebalanceTimeoutMs: number }[] };
    expect(stored.members[0]?.rebalanceTimeoutMs).toBe(10_000);
  });

  test("v7+ echo protocolType and protocolName; older versions see an empty name on errors", async () => {
    const broker = testBroker(FAST);
    const v7 = await joinNew(broker, 7, { groupId: "g" });
    expect(v7).toMatchObject({ protocolType: "consumer", protocolName: "range" });
    const unknown = await joinGroup(broker, 6, { groupId: "g", memberId: "ghost" });
    expect(asSeenAt(JoinGroupApi, 6, unknown)).toMatchObject({ errorCode: ErrorCodes.UNKNOWN_MEMBER_ID, protocolName: "", protocolType: null });
    const unknownV9 = await joinGroup(broker, 9, { groupId: "g", memberId: "ghost" });
    expect(unknownV9).toMatchObject({ errorCode: ErrorCodes.UNKNOWN_MEMBER_ID, protocolName: null, protocolType: null });
  });

  test("a second member's JoinGroup waits until the first rejoins, then both are answered", async () => {
    const broker = testBroker(FAST);
    const a = await stableMember(broker, "g");
    const joining = joinNew(broker, 5, { groupId: "g" });
    expect(await pendingAfter(joining)).toBe("pending");
    expect((await heartbeat(broker, "g", a.memberId, a.generationId)).errorCode).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    const rejoined = await joinGroup(broker, 5, { groupId: "g", memberId: a.memberId });
    const b = await joining;
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 2, leader: a.memberId });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: a.memberId, members: [] });

    const following = syncGroup(broker, 3, { groupId: "g", memberId: b.memberId, generationId: 2 });
    expect(await pendingAfter(following)).toBe("pending");
    const led = await syncGroup(broker, 5, {
      groupId: "g",
      memberId: a.memberId,
      generationId: 2,
      assignments: [
        { memberId: a.memberId, assignment: bytes("A") },
        { memberId: b.memberId, assignment: bytes("B") },
      ],
    });
    expect(led).toMatchObject({ errorCode: 0, protocolType: "consumer", protocolName: "range" });
    expect(text(led.assignment)).toBe("A");
    expect(text((await following).assignment)).toBe("B");
    expect((broker.engine as MemoryEngine).pendingWaiters).toBe(0);
  });

  test("SyncGroup v5 without protocolType or protocolName, or with other ones, is INCONSISTENT_GROUP_PROTOCOL", async () => {
    const broker = testBroker(FAST);
    const { memberId, generationId } = await stableMember(broker, "g");
    expect((await syncGroup(broker, 5, { groupId: "g", memberId, generationId, protocolName: null })).errorCode).toBe(ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
    expect((await syncGroup(broker, 5, { groupId: "g", memberId, generationId, protocolName: "sticky" })).errorCode).toBe(ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
    const ok = await syncGroup(broker, 4, { groupId: "g", memberId, generationId });
    expect(text(ok.assignment)).toBe("assigned");
  });

  test("an empty group id is INVALID_GROUP_ID; a session timeout out of bounds is INVALID_SESSION_TIMEOUT", async () => {
    const broker = testBroker([...FAST, "--group-min-session-timeout-ms", "5000", "--group-max-session-timeout-ms", "20000"]);
    expect((await joinGroup(broker, 5, { groupId: "" })).errorCode).toBe(ErrorCodes.INVALID_GROUP_ID);
    expect((await joinGroup(broker, 5, { groupId: "g", sessionTimeoutMs: 4999 })).errorCode).toBe(ErrorCodes.INVALID_SESSION_TIMEOUT);
    expect((await joinGroup(broker, 5, { groupId: "g", sessionTimeoutMs: 20_001 })).errorCode).toBe(ErrorCodes.INVALID_SESSION_TIMEOUT);
    expect((await syncGroup(broker, 3, { groupId: "", memberId: "m", generationId: 1 })).errorCode).toBe(ErrorCodes.INVALID_GROUP_ID);
    expect(await broker.engine.getGroup("g")).toBeNull();
  });

  test("a waiting JoinGroup whose connection closes answers NOT_COORDINATOR and leaves no waiter behind", async () => {
    const broker = testBroker(FAST);
    await stableMember(broker, "g");
    const controller = new AbortController();
    const first = await joinGroup(broker, 5, { groupId: "g" });
    const waiting = joinGroup(broker, 5, { groupId: "g", memberId: first.memberId }, controller.signal);
    expect(await pendingAfter(waiting)).toBe("pending");
    expect((broker.engine as MemoryEngine).pendingWaiters).toBe(1);
    controller.abort();
    expect((await waiting).errorCode).toBe(ErrorCodes.NOT_COORDINATOR);
    expect((broker.engine as MemoryEngine).pendingWaiters).toBe(0);
  });

  test("a waiting JoinGroup answers COORDINATOR_NOT_AVAILABLE when its storage closes", async () => {
    const broker = testBroker(FAST);
    await stableMember(broker, "g");
    const first = await joinGroup(broker, 5, { groupId: "g" });
    const waiting = joinGroup(broker, 5, { groupId: "g", memberId: first.memberId });
    expect(await pendingAfter(waiting)).toBe("pending");
    await broker.engine.close();
    expect((await waiting).errorCode).toBe(ErrorCodes.COORDINATOR_NOT_AVAILABLE);
  });

  test("a waiting member that leaves is answered UNKNOWN_MEMBER_ID", async () => {
    const broker = testBroker(FAST);
    await stableMember(broker, "g");
    const first = await joinGroup(broker, 5, { groupId: "g" });
    const waiting = joinGroup(broker, 5, { groupId: "g", memberId: first.memberId });
    expect(await pendingAfter(waiting)).toBe("pending");
    const left = await call(broker, LeaveGroupApi, 3, { groupId: "g", memberId: "", members: [{ memberId: first.memberId, groupInstanceId: null, reason: null }] });
    expect(left.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, errorCode: 0 }]);
    expect((await waiting).errorCode).toBe(ErrorCodes.UNKNOWN_MEMBER_ID);
  });

  test("a JoinGroup waits out the initial rebalance delay, then completes on its own timer", async () => {
    const broker = testBroker(["--group-initial-rebalance-delay-ms", "150"]);
    const since = performance.now();
    const [a, b] = await Promise.all([joinNew(broker, 5, { groupId: "g" }), joinNew(broker, 5, { groupId: "g" })]);
    const elapsed = performance.now() - since;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    expect(a.generationId).toBe(1);
    expect(b.generationId).toBe(1);
    expect(new Set([a.leader, b.leader]).size).toBe(1);
  });

  test("v5+: a static member restarting takes its place back without a rebalance; its old id is fenced", async () => {
    const broker = testBroker(FAST);
    const first = await joinGroup(broker, 5, { groupId: "g", groupInstanceId: "pod-0" });
    expect(first).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(first.memberId).toStartWith("pod-0-");
    await syncGroup(broker, 5, { groupId: "g", memberId: first.memberId, generationId: 1, groupInstanceId: "pod-0", assignments: [{ memberId: first.memberId, assignment: bytes("mine") }] });
    const restarted = await joinGroup(broker, 5, { groupId: "g", groupInstanceId: "pod-0" });
    expect(restarted).toMatchObject({ errorCode: 0, generationId: 1, leader: first.memberId, members: [] });
    const synced = await syncGroup(broker, 5, { groupId: "g", memberId: restarted.memberId, generationId: 1, groupInstanceId: "pod-0" });
    expect(text(synced.assignment)).toBe("mine");
    const stale = await call(broker, HeartbeatApi, 3, { groupId: "g", memberId: first.memberId, generationId: 1, groupInstanceId: "pod-0" });
    expect(stale.errorCode).toBe(ErrorCodes.FENCED_INSTANCE_ID);
    expect(JSON.parse((await broker.engine.getGroup("g"))?.state ?? "{}")).toMatchObject({ state: "Stable", generationId: 1 });
  });

  test("LeaveGroup v0–2 carry the member's error at the top level", async () => {
    const broker = testBroker(FAST);
    const { memberId } = await stableMember(broker, "g");
    expect(await call(broker, LeaveGroupApi, 1, { groupId: "g", memberId: "ghost", members: [] })).toMatchObject({ errorCode: ErrorCodes.UNKNOWN_MEMBER_ID });
    expect(await call(broker, LeaveGroupApi, 0, { groupId: "g", memberId, members: [] })).toMatchObject({ errorCode: 0 });
    expect(JSON.parse((await broker.engine.getGroup("g"))?.state ?? "{}")).toMatchObject({ state: "Empty", generationId: 2 });
  });
});
