// Builders for driving the pure group transitions in tests: a clock, join and sync requests, and
// shortcuts that bring a group to a known state.

import { expect } from "bun:test";
import { type JoinReply, type JoinRequest, type JoinResult, joinGroup, joinOutcome } from "../../src/groups/join.ts";
import { type GroupConfig, type GroupState, type MemberProtocol, toBase64 } from "../../src/groups/state.ts";
import { type SyncReply, syncGroup } from "../../src/groups/sync.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { Writer } from "../../src/protocol/primitives.ts";

export const T0 = 1_700_000_000_000;

export const CONFIG: GroupConfig = { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 600_000 };

export const bytes = (text: string) => new TextEncoder().encode(text);
export const protocol = (name: string, metadata = name): MemberProtocol => ({ name, metadata: toBase64(bytes(metadata)) });

let ids = 0;

export function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: "",
    groupInstanceId: null,
    clientId: "client",
    clientHost: "/127.0.0.1",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: "consumer",
    protocols: [protocol("range")],
    requireKnownMemberId: true,
    supportsSkipAssignment: false,
    newMemberId: `${overrides.groupInstanceId ?? "client"}-${++ids}`,
    ...overrides,
  };
}

export interface Step<R> {
  group: GroupState;
  reply: R;
}

export function join(group: GroupState | null, request: JoinRequest, now: number, config = CONFIG): Step<JoinReply> {
  const t = joinGroup(group, request, now, config);
  if (t.group === null) throw new Error("join left no group");
  return { group: t.group, reply: t.reply };
}

export function done(reply: JoinReply): JoinResult {
  if (reply.kind !== "done") throw new Error(`expected an answer, the member waits (${reply.memberId})`);
  return reply.result;
}

/** What a member waiting in JoinGroup is told about `group` (null: still waiting). */
export function outcome(group: GroupState, reply: JoinReply): JoinResult | null {
  if (reply.kind !== "wait") throw new Error("expected the member to wait");
  return joinOutcome(group, reply);
}

/** A new dynamic member: MEMBER_ID_REQUIRED, then the join with its id. */
export function joinNew(group: GroupState | null, now: number, overrides: Partial<JoinRequest> = {}, config = CONFIG): Step<JoinReply> & { memberId: string } {
  const first = join(group, joinRequest(overrides), now, config);
  const required = done(first.reply);
  expect(required.errorCode).toBe(ErrorCodes.MEMBER_ID_REQUIRED);
  const second = join(first.group, joinRequest({ ...overrides, memberId: required.memberId }), now, config);
  return { ...second, memberId: required.memberId };
}

export function sync(group: GroupState, memberId: string, now: number, assignments: Record<string, string> = {}, generationId = group.generationId): Step<SyncReply> {
  const request = { memberId, groupInstanceId: null, generationId, protocolType: null, protocolName: null, assignments: Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: toBase64(bytes(a)) })) };
  const t = syncGroup(group, request, now, CONFIG);
  if (t.group === null) throw new Error("sync left no group");
  return { group: t.group, reply: t.reply };
}

/** A Stable group of `count` dynamic members (the first leads), each assigned "a-<index>". */
export function stableGroup(count: number, now = T0, overrides: Partial<JoinRequest> = {}): { group: GroupState; members: string[] } {
  let group: GroupState | null = null;
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const joined = joinNew(group, now, overrides);
    group = joined.group;
    members.push(joined.memberId);
    // with no initial delay the first member forms generation 1 alone; later ones rebalance
    for (const m of members.slice(0, -1)) group = join(group, joinRequest({ ...overrides, memberId: m }), now).group;
  }
  if (group === null) throw new Error("no members");
  expect(group.state).toBe("CompletingRebalance");
  const leader = group.leaderId ?? "";
  const assignments = Object.fromEntries(members.map((m, i) => [m, `a-${i}`]));
  group = sync(group, leader, now, assignments).group;
  for (const m of members) if (m !== leader) group = sync(group, m, now).group;
  expect(group.state).toBe("Stable");
  expect(group.pendingSync).toEqual([]);
  return { group, members };
}

export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A ConsumerProtocolSubscription (v1: topics, no user data, no owned partitions). */
export function consumerSubscription(topics: readonly string[], version = 1): Uint8Array {
  const w = new Writer();
  w.int16(version).int32(topics.length);
  for (const t of topics) w.string(t);
  w.nullableBytes(null);
  if (version >= 1) w.int32(0);
  return w.finish().slice();
}
