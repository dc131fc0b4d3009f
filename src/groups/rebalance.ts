// The steps of Kafka's classic GroupCoordinator that move a group between states. They change the
// group they are given; the exported transitions (join.ts, sync.ts …) hand them a copy.

import { selectProtocol } from "./protocols.ts";
import { type GroupConfig, type GroupState, type GroupStateName, findMember, rebalanceTimeoutMs } from "./state.ts";

function enter(group: GroupState, state: GroupStateName, now: number): void {
  group.state = state;
  group.stateTimestamp = now;
}

/** Kafka's prepareRebalance: members must rejoin; SyncGroups waiting are told REBALANCE_IN_PROGRESS. */
export function prepareRebalance(group: GroupState, now: number, config: GroupConfig): void {
  if (group.state === "CompletingRebalance") {
    for (const m of group.members) {
      m.assignment = "";
      // a member answered while waiting in SyncGroup starts a new session
      if (!group.pendingSync.includes(m.memberId)) m.heartbeatDeadline = now + m.sessionTimeoutMs;
    }
  }
  group.pendingSync = [];
  group.syncDeadline = null;
  const timeout = rebalanceTimeoutMs(group);
  const delay = config.initialRebalanceDelayMs;
  group.joinTimer =
    group.state === "Empty"
      ? { kind: "initial", deadline: now + delay, remainingMs: Math.max(timeout - delay, 0), newMemberAdded: false }
      : { kind: "rebalance", deadline: now + timeout };
  enter(group, "PreparingRebalance", now);
}

export function maybePrepareRebalance(group: GroupState, now: number, config: GroupConfig): void {
  if (group.state !== "PreparingRebalance") prepareRebalance(group, now, config);
}

/** Kafka's GroupMetadata.remove: the next member in join order leads if the leader goes. */
export function dropMember(group: GroupState, memberId: string): void {
  group.members = group.members.filter((m) => m.memberId !== memberId);
  if (group.leaderId === memberId) group.leaderId = group.members[0]?.memberId ?? null;
  group.pendingSync = group.pendingSync.filter((id) => id !== memberId);
}

/** Kafka's removeMemberAndUpdateGroup (LeaveGroup, session expiry). */
export function removeMember(group: GroupState, memberId: string, now: number, config: GroupConfig): void {
  dropMember(group, memberId);
  if (group.state === "Stable" || group.state === "CompletingRebalance") prepareRebalance(group, now, config);
  else if (group.state === "PreparingRebalance") maybeCompleteJoin(group, now);
}

export function removePendingMember(group: GroupState, memberId: string, now: number): void {
  group.pendingMembers = group.pendingMembers.filter((p) => p.memberId !== memberId);
  maybeCompleteJoin(group, now);
}

/** Kafka's hasAllMembersJoined: no member or reserved member id is still to (re)join. */
function allJoined(group: GroupState): boolean {
  return group.members.every((m) => m.awaitingJoin) && group.pendingMembers.length === 0;
}

/** The rebalance completes early once everyone has rejoined (not while the initial delay runs). */
export function maybeCompleteJoin(group: GroupState, now: number): void {
  if (group.state === "PreparingRebalance" && group.joinTimer?.kind === "rebalance" && allJoined(group)) completeJoin(group, now);
}

/** Kafka's maybeElectNewJoinedLeader: a leader that has not rejoined hands over to one that has. */
function electJoinedLeader(group: GroupState): boolean {
  if (group.leaderId === null) return false;
  if (findMember(group, group.leaderId)?.awaitingJoin === true) return true;
  const joined = group.members.find((m) => m.awaitingJoin);
  if (joined === undefined) return false;
  group.leaderId = joined.memberId;
  return true;
}

/**
 * Kafka's onCompleteJoin: dynamic members that did not rejoin are dropped (static ones stay), the
 * generation advances and every member owes a SyncGroup within the rebalance timeout.
 */
export function completeJoin(group: GroupState, now: number): void {
  for (const m of [...group.members]) if (!m.awaitingJoin && m.groupInstanceId === null) dropMember(group, m.memberId);
  if (!electJoinedLeader(group) && group.members.length > 0) {
    // only static members remain and none rejoined: wait again until they do or expire
    group.joinTimer = { kind: "rebalance", deadline: now + Math.max(rebalanceTimeoutMs(group), 1) };
    return;
  }
  group.generationId++;
  group.joinTimer = null;
  group.pendingSync = [];
  group.syncDeadline = null;
  if (group.members.length === 0) {
    group.protocolName = null;
    enter(group, "Empty", now);
    return;
  }
  group.protocolName = selectProtocol(group);
  for (const m of group.members) {
    m.awaitingJoin = false;
    m.isNew = false;
    m.heartbeatDeadline = now + m.sessionTimeoutMs;
    group.pendingSync.push(m.memberId);
  }
  group.syncDeadline = now + rebalanceTimeoutMs(group);
  enter(group, "CompletingRebalance", now);
}

/** Kafka's leader SyncGroup: assignments stored, members waiting in SyncGroup answered. */
export function completeSync(group: GroupState, assignments: ReadonlyMap<string, string>, now: number): void {
  for (const m of group.members) {
    m.assignment = assignments.get(m.memberId) ?? "";
    if (!group.pendingSync.includes(m.memberId)) m.heartbeatDeadline = now + m.sessionTimeoutMs;
  }
  enter(group, "Stable", now);
}

/** Kafka's onExpirePendingSync: members that never sent SyncGroup are removed. */
export function expirePendingSync(group: GroupState, now: number, config: GroupConfig): void {
  const late = group.pendingSync;
  group.syncDeadline = null;
  if (late.length === 0) return;
  for (const memberId of late) dropMember(group, memberId);
  prepareRebalance(group, now, config);
}
