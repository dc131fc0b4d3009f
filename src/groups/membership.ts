// Heartbeat, LeaveGroup and the membership check of OffsetCommit as pure transitions (Kafka's
// handleHeartbeat, handleLeaveGroup and validateOffsetCommit).

import { ErrorCodes } from "../protocol/errors.ts";
import { removeMember, removePendingMember } from "./rebalance.ts";
import { type GroupConfig, type GroupState, type Transition, cloneGroup, emptyGroup, findMember, isFenced, isPendingMember, staticMember } from "./state.ts";
import { settle } from "./timers.ts";

export interface MemberGeneration {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

/** Applies `step` to a settled copy of the group and settles the result. */
function onCopy<R>(stored: GroupState, now: number, config: GroupConfig, step: (group: GroupState) => R): Transition<R> {
  const group = cloneGroup(stored);
  settle(group, now, config);
  const reply = step(group);
  settle(group, now, config);
  return { group, reply };
}

function renewSession(group: GroupState, memberId: string, now: number): void {
  const member = findMember(group, memberId);
  if (member !== undefined) member.heartbeatDeadline = now + member.sessionTimeoutMs;
}

export function heartbeat(stored: GroupState | null, request: MemberGeneration, now: number, config: GroupConfig): Transition<number> {
  if (stored === null) return { group: null, reply: ErrorCodes.UNKNOWN_MEMBER_ID };
  return onCopy(stored, now, config, (group) => {
    if (isFenced(group, request.groupInstanceId, request.memberId)) return ErrorCodes.FENCED_INSTANCE_ID;
    if (findMember(group, request.memberId) === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
    if (request.generationId !== group.generationId) return ErrorCodes.ILLEGAL_GENERATION;
    if (group.state === "Empty") return ErrorCodes.UNKNOWN_MEMBER_ID;
    renewSession(group, request.memberId, now);
    return group.state === "PreparingRebalance" ? ErrorCodes.REBALANCE_IN_PROGRESS : ErrorCodes.NONE;
  });
}

export interface LeavingMember {
  /** "" to remove a static member by groupInstanceId alone (an administrative removal). */
  memberId: string;
  groupInstanceId: string | null;
}

function leave(group: GroupState, { memberId, groupInstanceId }: LeavingMember, now: number, config: GroupConfig): number {
  if (memberId === "") {
    const owner = groupInstanceId === null ? undefined : staticMember(group, groupInstanceId);
    if (owner === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
    removeMember(group, owner.memberId, now, config);
    return ErrorCodes.NONE;
  }
  if (isPendingMember(group, memberId)) {
    removePendingMember(group, memberId, now);
    return ErrorCodes.NONE;
  }
  if (isFenced(group, groupInstanceId, memberId)) return ErrorCodes.FENCED_INSTANCE_ID;
  if (findMember(group, memberId) === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
  removeMember(group, memberId, now, config);
  return ErrorCodes.NONE;
}

/** One error code per leaving member. */
export function leaveGroup(stored: GroupState | null, members: readonly LeavingMember[], now: number, config: GroupConfig): Transition<number[]> {
  if (stored === null) return { group: null, reply: members.map(() => ErrorCodes.UNKNOWN_MEMBER_ID) };
  return onCopy(stored, now, config, (group) => members.map((m) => leave(group, m, now, config)));
}

function checkCommit(group: GroupState, request: MemberGeneration, now: number): number {
  const simple = request.generationId < 0 && request.memberId === "" && request.groupInstanceId === null;
  if (simple) return group.state === "Empty" ? ErrorCodes.NONE : ErrorCodes.UNKNOWN_MEMBER_ID;
  if (isFenced(group, request.groupInstanceId, request.memberId)) return ErrorCodes.FENCED_INSTANCE_ID;
  if (findMember(group, request.memberId) === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
  if (request.generationId !== group.generationId) return ErrorCodes.ILLEGAL_GENERATION;
  // a member's generation is current but it has not had its assignment yet
  if (group.state === "CompletingRebalance") return ErrorCodes.REBALANCE_IN_PROGRESS;
  renewSession(group, request.memberId, now);
  return ErrorCodes.NONE;
}

/**
 * May these offsets be committed? Members must name the current generation; commits without a
 * member (generation -1, kcat, assign-style consumers) are for groups with no members, and create
 * the group if it does not exist.
 */
export function offsetCommitCheck(stored: GroupState | null, request: MemberGeneration, now: number, config: GroupConfig): Transition<number> {
  if (stored === null) {
    if (request.generationId >= 0) return { group: null, reply: ErrorCodes.ILLEGAL_GENERATION };
    const reply = checkCommit(emptyGroup(now), request, now);
    return { group: reply === ErrorCodes.NONE ? emptyGroup(now) : null, reply };
  }
  return onCopy(stored, now, config, (group) => checkCommit(group, request, now));
}

/**
 * May a transaction hold these offsets (TxnOffsetCommit)? Without a member (generation -1: v0–2,
 * or a producer naming only the group) any group is fine, and an absent one is created; a member
 * (KIP-447) must be in the current generation.
 */
export function txnOffsetCommitCheck(stored: GroupState | null, request: MemberGeneration, now: number, config: GroupConfig): Transition<number> {
  const simple = request.generationId < 0 && request.memberId === "" && request.groupInstanceId === null;
  if (stored === null) return simple ? { group: emptyGroup(now), reply: ErrorCodes.NONE } : { group: null, reply: ErrorCodes.ILLEGAL_GENERATION };
  return onCopy(stored, now, config, (group) => {
    if (simple) return ErrorCodes.NONE;
    if (isFenced(group, request.groupInstanceId, request.memberId)) return ErrorCodes.FENCED_INSTANCE_ID;
    if (findMember(group, request.memberId) === undefined) return ErrorCodes.UNKNOWN_MEMBER_ID;
    return request.generationId === group.generationId ? ErrorCodes.NONE : ErrorCodes.ILLEGAL_GENERATION;
  });
}
