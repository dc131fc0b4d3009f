// Group handlers on several brokers over one engine: what one broker writes wakes requests waiting
// on another, and concurrent updates through different brokers lose no member.

import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DescribeGroupsApi } from "../../src/protocol/generated/index.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { bytes, text } from "../groups/fixtures.ts";
import { call, testBroker } from "./broker.ts";
import { heartbeat, joinGroup, joinNew, pendingAfter, syncGroup } from "./groups.ts";

function cluster(count: number, args: string[]): { brokers: Broker[]; engine: ReturnType<typeof openMemoryEngine> } {
  const engine = openMemoryEngine();
  return { engine, brokers: Array.from({ length: count }, () => testBroker(args, engine)) };
}

describe("groups across brokers", () => {
  test("a JoinGroup waiting on one broker is answered when the rebalance completes on another; so is a SyncGroup", async () => {
    const { brokers, engine } = cluster(2, ["--group-initial-rebalance-delay-ms", "0"]);
    const [one, two] = brokers as [Broker, Broker];
    const a = await joinNew(one, 5, { groupId: "g" });
    await syncGroup(one, 3, { groupId: "g", memberId: a.memberId, generationId: 1, assignments: [] });
    const joining = joinNew(two, 5, { groupId: "g" });
    expect(await pendingAfter(joining)).toBe("pending");
    const since = performance.now();
    const rejoin = await joinGroup(one, 5, { groupId: "g", memberId: a.memberId });
    const b = await joining;
    expect(performance.now() - since).toBeLessThan(100);
    expect([rejoin.generationId, b.generationId]).toEqual([2, 2]);
    const waitingSync = syncGroup(two, 3, { groupId: "g", memberId: b.memberId, generationId: 2 });
    expect(await pendingAfter(waitingSync)).toBe("pending");
    await syncGroup(one, 3, { groupId: "g", memberId: a.memberId, generationId: 2, assignments: [{ memberId: b.memberId, assignment: bytes("for-b") }] });
    expect(text((await waitingSync).assignment)).toBe("for-b");
    expect(engine.pendingWaiters).toBe(0);
  });

  test("twenty members joining at once through three brokers all make generation 1", async () => {
    const { brokers } = cluster(3, ["--group-initial-rebalance-delay-ms", "200"]);
    const joined = await Promise.all(Array.from({ length: 20 }, (_, i) => joinNew(brokers[i % 3] as Broker, 5, { groupId: "crowd" })));
    expect(joined.every((j) => j.errorCode === 0 && j.generationId === 1)).toBe(true);
    const leaders = joined.filter((j) => j.leader === j.memberId);
    expect(leaders).toHaveLength(1);
    expect(new Set(leaders[0]?.members.map((m) => m.memberId))).toEqual(new Set(joined.map((j) => j.memberId)));
  });

  test("a member that stops heartbeating is noticed by the others' heartbeats on another broker", async () => {
    const { brokers } = cluster(2, ["--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "100"]);
    const [one, two] = brokers as [Broker, Broker];
    const session = { sessionTimeoutMs: 300, rebalanceTimeoutMs: 1000 };
    const a = await joinNew(one, 5, { groupId: "g", ...session });
    const joiningB = joinNew(two, 5, { groupId: "g", ...session });
    await Bun.sleep(20);
    await joinGroup(one, 5, { groupId: "g", memberId: a.memberId, ...session });
    const b = await joiningB;
    await Promise.all([
      syncGroup(one, 3, { groupId: "g", memberId: a.memberId, generationId: 2, assignments: [] }),
      syncGroup(two, 3, { groupId: "g", memberId: b.memberId, generationId: 2 }),
    ]);
    // b goes silent; a keeps heartbeating through the other broker
    let error: number = ErrorCodes.NONE;
    for (let i = 0; i < 20 && error === ErrorCodes.NONE; i++) {
      await Bun.sleep(50);
      error = (await heartbeat(two, "g", a.memberId, 2)).errorCode;
    }
    expect(error).toBe(ErrorCodes.REBALANCE_IN_PROGRESS);
    const rejoined = await joinGroup(two, 5, { groupId: "g", memberId: a.memberId, ...session });
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 3, leader: a.memberId });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a.memberId]);
    const described = await call(one, DescribeGroupsApi, 5, { groups: ["g"], includeAuthorizedOperations: false });
    expect(described.groups[0]?.members.map((m) => m.memberId)).toEqual([a.memberId]);
  });
});
