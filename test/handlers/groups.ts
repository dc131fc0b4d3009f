// Calling the group handlers the way clients do, for handler tests.

import type { Broker } from "../../src/broker.ts";
import {
  HeartbeatApi,
  type JoinGroupRequest,
  JoinGroupApi,
  type JoinGroupResponse,
  type SyncGroupRequest,
  SyncGroupApi,
  type SyncGroupResponse,
} from "../../src/protocol/generated/index.ts";
import { bytes } from "../groups/fixtures.ts";
import { call } from "./broker.ts";

export function joinGroup(broker: Broker, version: number, request: Partial<JoinGroupRequest> & { groupId: string }, signal?: AbortSignal): Promise<JoinGroupResponse> {
  return call(
    broker,
    JoinGroupApi,
    version,
    {
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: bytes("meta") }],
      reason: null,
      ...request,
    },
    signal,
  );
}

/** A dynamic member joining from scratch: MEMBER_ID_REQUIRED first when the version has it. */
export async function joinNew(broker: Broker, version: number, request: Partial<JoinGroupRequest> & { groupId: string }): Promise<JoinGroupResponse> {
  const first = await joinGroup(broker, version, request);
  if (version < 4 || request.groupInstanceId != null) return first;
  return joinGroup(broker, version, { ...request, memberId: first.memberId });
}

export function syncGroup(broker: Broker, version: number, request: Partial<SyncGroupRequest> & { groupId: string; memberId: string; generationId: number }, signal?: AbortSignal): Promise<SyncGroupResponse> {
  return call(broker, SyncGroupApi, version, { groupInstanceId: null, protocolType: "consumer", protocolName: "range", assignments: [], ...request }, signal);
}

export function heartbeat(broker: Broker, groupId: string, memberId: string, generationId: number) {
  return call(broker, HeartbeatApi, 4, { groupId, memberId, generationId, groupInstanceId: null });
}

/** A Stable one-member group formed through the handlers; returns the member's id and generation. */
export async function stableMember(broker: Broker, groupId: string, assignment = "assigned"): Promise<{ memberId: string; generationId: number }> {
  const joined = await joinNew(broker, 9, { groupId });
  const { memberId, generationId } = joined;
  await syncGroup(broker, 5, { groupId, memberId, generationId, assignments: [{ memberId, assignment: bytes(assignment) }] });
  return { memberId, generationId };
}

/** Resolves to "pending" if `promise` has not settled within `ms`. */
export async function pendingAfter<T>(promise: Promise<T>, ms = 50): Promise<T | "pending"> {
  return Promise.race([promise, Bun.sleep(ms).then(() => "pending" as const)]);
}
