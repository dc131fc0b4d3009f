// SyncGroup as a pure transition (Kafka's handleSyncGroup): the leader's assignments make the group
// Stable; other members wait for them.

import { ErrorCodes } from "../protocol/errors.ts";
import { completeSync } from "./rebalance.ts";
import { type GroupConfig, type GroupState, type Transition, cloneGroup, findMember, fromBase64, isFenced } from "./state.ts";
import { settle } from "./timers.ts";

export interface SyncRequest {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  /** v5+; null from older clients, which are not checked. */
  protocolType: string | null;
  protocolName: string | null;
  /** From the leader: each member's assignment, base64. */
  assignments: { memberId: string; assignment: string }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Uint8Array;
}

export interface SyncWait {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export type SyncReply = { kind: "done"; result: SyncResult } | ({ kind: "wait" } & SyncWait);

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: new Uint8Array(0) };
}

function assignmentOf(group: GroupState, memberId: string): SyncResult {
  const assignment = fromBase64(findMember(group, memberId)?.assignment ?? "");
  return { errorCode: ErrorCodes.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
}

function check(group: GroupState, request: SyncRequest): number {
  if (isFenced(group, request.groupInstanceId, request.memberId)) return ErrorCodes.FENCED_INSTANCE_ID;
  if (findMember(group, request.memberId) === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
  if (request.generationId !== group.generationId) return ErrorCodes.ILLEGAL_GENERATION;
  if (request.protocolType !== null && request.protocolType !== group.protocolType) return ErrorCodes.INCONSISTENT_GROUP_PROTOCOL;
  if (request.protocolName !== null && request.protocolName !== group.protocolName) return ErrorCodes.INCONSISTENT_GROUP_PROTOCOL;
  return ErrorCodes.NONE;
}

function sync(group: GroupState, request: SyncRequest, now: number): SyncReply {
  const done = (result: SyncResult): SyncReply => ({ kind: "done", result });
  const error = check(group, request);
  if (error !== ErrorCodes.NONE) return done(syncError(error));
  const { memberId } = request;
  switch (group.state) {
    case "Empty":
      return done(syncError(ErrorCodes.UNKNOWN_MEMBER_ID));
    case "PreparingRebalance":
      return done(syncError(ErrorCodes.REBALANCE_IN_PROGRESS));
    case "CompletingRebalance":
      group.pendingSync = group.pendingSync.filter((id) => id !== memberId);
      if (group.leaderId !== memberId) return { kind: "wait", memberId, groupInstanceId: request.groupInstanceId, generationId: group.generationId };
      // members the leader left out get an empty assignment
      completeSync(group, new Map(request.assignments.map((a) => [a.memberId, a.assignment])), now);
      return done(assignmentOf(group, memberId));
    case "Stable": {
      group.pendingSync = group.pendingSync.filter((id) => id !== memberId);
      const member = findMember(group, memberId);
      if (member !== undefined) member.heartbeatDeadline = now + member.sessionTimeoutMs;
      return done(assignmentOf(group, memberId));
    }
  }
}

export function syncGroup(stored: GroupState | null, request: SyncRequest, now: number, config: GroupConfig): Transition<SyncReply> {
  if (stored === null) return { group: null, reply: { kind: "done", result: syncError(ErrorCodes.UNKNOWN_MEMBER_ID) } };
  const group = cloneGroup(stored);
  settle(group, now, config);
  const reply = sync(group, request, now);
  if (group.pendingSync.length === 0) group.syncDeadline = null;
  settle(group, now, config);
  return { group, reply };
}

/** The answer to a waiting SyncGroup in `group` now, or null while the leader has not synced. */
export function syncOutcome(group: GroupState | null, wait: SyncWait): SyncResult | null {
  if (group === null) return syncError(ErrorCodes.UNKNOWN_MEMBER_ID);
  if (isFenced(group, wait.groupInstanceId, wait.memberId)) return syncError(ErrorCodes.FENCED_INSTANCE_ID);
  if (findMember(group, wait.memberId) === undefined) return syncError(ErrorCodes.UNKNOWN_MEMBER_ID);
  if (group.generationId !== wait.generationId || group.state === "PreparingRebalance") return syncError(ErrorCodes.REBALANCE_IN_PROGRESS);
  if (group.state === "Stable") return assignmentOf(group, wait.memberId);
  return group.state === "Empty" ? syncError(ErrorCodes.UNKNOWN_MEMBER_ID) : null;
}
