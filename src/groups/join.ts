// JoinGroup as a pure transition (Kafka's handleJoinGroup), and what a JoinGroup waiting for the
// rebalance is answered once the group has moved on.

import { ErrorCodes } from "../protocol/errors.ts";
import { metadataFor, sameProtocols, selectProtocol, supportsProtocols } from "./protocols.ts";
import { maybePrepareRebalance, prepareRebalance } from "./rebalance.ts";
import {
  type GroupConfig,
  type GroupState,
  type Member,
  type MemberProtocol,
  NEW_MEMBER_JOIN_TIMEOUT_MS,
  type Transition,
  cloneGroup,
  emptyGroup,
  findMember,
  fromBase64,
  isFenced,
  isPendingMember,
  staticMember,
} from "./state.ts";
import { settle } from "./timers.ts";

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  /** JoinGroup v4+ from a dynamic member: a first join only reserves a member id (MEMBER_ID_REQUIRED). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+ (KIP-814): a static leader rejoining a Stable group is told to skip assignment. */
  supportsSkipAssignment: boolean;
  /** The id a new member gets: (groupInstanceId ?? clientId) + "-" + a UUID. */
  newMemberId: string;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[];
}

/** A member waiting for the rebalance in progress, which started in generation `generationId`. */
export interface JoinWait {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export type JoinReply = { kind: "done"; result: JoinResult } | ({ kind: "wait" } & JoinWait);

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: "", skipAssignment: false, memberId, members: [] };
}

const done = (result: JoinResult): JoinReply => ({ kind: "done", result });
const fail = (memberId: string, errorCode: number) => done(joinError(memberId, errorCode));
const waitIn = (group: GroupState, member: Member): JoinReply => ({
  kind: "wait",
  memberId: member.memberId,
  groupInstanceId: member.groupInstanceId,
  generationId: group.generationId,
});

function memberMetadata(group: GroupState): JoinResult["members"] {
  return group.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: fromBase64(metadataFor(m, group.protocolName)) }));
}

/** The current generation as `memberId` sees it: only the leader gets the members' metadata. */
function generationFor(group: GroupState, memberId: string): JoinResult {
  const leader = group.leaderId ?? "";
  return {
    errorCode: ErrorCodes.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader,
    skipAssignment: false,
    memberId,
    members: leader === memberId ? memberMetadata(group) : [],
  };
}

function addMember(group: GroupState, request: JoinRequest, memberId: string, now: number, config: GroupConfig): JoinReply {
  if (group.state === "PreparingRebalance" && group.generationId === 0 && group.joinTimer?.kind === "initial") group.joinTimer.newMemberAdded = true;
  if (group.members.length === 0) group.protocolType = request.protocolType;
  const member: Member = {
    memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: request.clientId,
    clientHost: request.clientHost,
    sessionTimeoutMs: request.sessionTimeoutMs,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    protocols: request.protocols,
    assignment: "",
    heartbeatDeadline: now + NEW_MEMBER_JOIN_TIMEOUT_MS,
    awaitingJoin: true,
    isNew: true,
  };
  group.members.push(member);
  group.leaderId ??= memberId;
  maybePrepareRebalance(group, now, config);
  return waitIn(group, member);
}

function updateMember(member: Member, request: JoinRequest): void {
  member.protocols = request.protocols;
  member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
  member.sessionTimeoutMs = request.sessionTimeoutMs;
  member.awaitingJoin = true;
}

function updateAndRebalance(group: GroupState, member: Member, request: JoinRequest, now: number, config: GroupConfig): JoinReply {
  updateMember(member, request);
  maybePrepareRebalance(group, now, config);
  return waitIn(group, member);
}

/**
 * Kafka's updateStaticMemberAndRebalance: a static member rejoining with a new member id replaces
 * its old id. A Stable group whose protocol choice is unchanged carries on without a rebalance; the
 * member keeps its assignment and learns the current generation.
 */
function replaceStaticMember(group: GroupState, member: Member, request: JoinRequest, now: number, config: GroupConfig): JoinReply {
  const formerLeader = group.leaderId ?? "";
  const oldMemberId = member.memberId;
  member.memberId = request.newMemberId;
  if (group.leaderId === oldMemberId) group.leaderId = member.memberId;
  group.pendingSync = group.pendingSync.map((id) => (id === oldMemberId ? member.memberId : id));
  member.heartbeatDeadline = now + member.sessionTimeoutMs;
  updateMember(member, request);
  if (group.state === "Stable" && selectProtocol(group) === group.protocolName) {
    member.awaitingJoin = false;
    const result = generationFor(group, member.memberId);
    if (request.supportsSkipAssignment) return done({ ...result, skipAssignment: result.leader === member.memberId });
    // older clients must not think they lead (their assignment would not be used): name the old id
    return done({ ...result, leader: formerLeader, members: [] });
  }
  if (group.state !== "PreparingRebalance") prepareRebalance(group, now, config);
  return waitIn(group, member);
}

function joinNew(group: GroupState, request: JoinRequest, now: number, config: GroupConfig): JoinReply {
  if (!supportsProtocols(group, request.protocolType, request.protocols)) return fail("", ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
  if (request.groupInstanceId !== null) {
    const existing = staticMember(group, request.groupInstanceId);
    if (existing !== undefined) return replaceStaticMember(group, existing, request, now, config);
  } else if (request.requireKnownMemberId) {
    group.pendingMembers.push({ memberId: request.newMemberId, deadline: now + request.sessionTimeoutMs });
    return fail(request.newMemberId, ErrorCodes.MEMBER_ID_REQUIRED);
  }
  return addMember(group, request, request.newMemberId, now, config);
}

function joinKnown(group: GroupState, request: JoinRequest, now: number, config: GroupConfig): JoinReply {
  const { memberId, groupInstanceId } = request;
  if (!supportsProtocols(group, request.protocolType, request.protocols)) return fail(memberId, ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
  if (isPendingMember(group, memberId)) {
    group.pendingMembers = group.pendingMembers.filter((p) => p.memberId !== memberId);
    return addMember(group, request, memberId, now, config);
  }
  if (isFenced(group, groupInstanceId, memberId)) return fail(memberId, ErrorCodes.FENCED_INSTANCE_ID);
  const member = findMember(group, memberId);
  if (member === undefined || (groupInstanceId !== null && staticMember(group, groupInstanceId) === undefined)) {
    return fail(memberId, ErrorCodes.UNKNOWN_MEMBER_ID);
  }
  switch (group.state) {
    case "PreparingRebalance":
      return updateAndRebalance(group, member, request, now, config);
    case "CompletingRebalance":
      // a member that missed its JoinGroup answer gets it again
      if (sameProtocols(member, request.protocols)) return done(generationFor(group, memberId));
      return updateAndRebalance(group, member, request, now, config);
    case "Stable":
      // the leader rejoining forces a rebalance (it may have seen a metadata change)
      if (group.leaderId !== memberId && sameProtocols(member, request.protocols)) return done(generationFor(group, memberId));
      return updateAndRebalance(group, member, request, now, config);
    case "Empty":
      return fail(memberId, ErrorCodes.UNKNOWN_MEMBER_ID);
  }
}

export function joinGroup(stored: GroupState | null, request: JoinRequest, now: number, config: GroupConfig): Transition<JoinReply> {
  const refuse = (memberId: string, errorCode: number) => ({ group: stored, reply: fail(memberId, errorCode) });
  if (request.sessionTimeoutMs < config.minSessionTimeoutMs || request.sessionTimeoutMs > config.maxSessionTimeoutMs) {
    return refuse(request.memberId, ErrorCodes.INVALID_SESSION_TIMEOUT);
  }
  if (stored === null) {
    if (request.memberId !== "") return refuse(request.memberId, ErrorCodes.UNKNOWN_MEMBER_ID);
    if (request.protocolType === "" || request.protocols.length === 0) return refuse("", ErrorCodes.INCONSISTENT_GROUP_PROTOCOL);
  }
  const group = stored === null ? emptyGroup(now) : cloneGroup(stored);
  settle(group, now, config);
  const reply = request.memberId === "" ? joinNew(group, request, now, config) : joinKnown(group, request, now, config);
  settle(group, now, config);
  return { group, reply };
}

/** The answer to a waiting JoinGroup in `group` now, or null while its rebalance is still running. */
export function joinOutcome(group: GroupState | null, wait: JoinWait): JoinResult | null {
  if (group === null) return joinError(wait.memberId, ErrorCodes.UNKNOWN_MEMBER_ID);
  if (isFenced(group, wait.groupInstanceId, wait.memberId)) return joinError(wait.memberId, ErrorCodes.FENCED_INSTANCE_ID);
  if (findMember(group, wait.memberId) === undefined) return joinError(wait.memberId, ErrorCodes.UNKNOWN_MEMBER_ID);
  if (group.state === "PreparingRebalance" && group.generationId === wait.generationId) return null;
  return generationFor(group, wait.memberId);
}
