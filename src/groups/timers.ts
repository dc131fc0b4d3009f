// Lazy timers. Kafka's coordinator fires session, join, sync and pending-member timeouts from its
// own clock; stateless brokers instead replay every deadline that has passed, in time order, as
// of its own deadline, whenever a request touches the group (and waiting requests wake for the
// next one). The result is the state a coordinator with real timers would have reached.

import {
  completeJoin,
  expirePendingSync,
  maybeCompleteJoin,
  removeMember,
  removePendingMember,
} from "./rebalance.ts";
import { type GroupConfig, type GroupState, type Member, cloneGroup } from "./state.ts";

interface Timer {
  at: number;
  fire(group: GroupState, at: number, config: GroupConfig): void;
}

/**
 * Kafka's hasSatisfiedHeartbeat: a member waiting in JoinGroup, or in SyncGroup for the leader, is
 * not expired by its session timeout (the rebalance and sync timeouts bound those waits); a new
 * member is bounded only by its 5-minute join deadline.
 */
function sessionPaused(group: GroupState, m: Member): boolean {
  if (m.isNew) return false;
  return m.awaitingJoin || (group.state === "CompletingRebalance" && !group.pendingSync.includes(m.memberId));
}

function onJoinTimer(group: GroupState, at: number, config: GroupConfig): void {
  const timer = group.joinTimer;
  if (timer?.kind === "initial" && timer.newMemberAdded && timer.remainingMs > 0) {
    const delay = Math.min(config.initialRebalanceDelayMs, timer.remainingMs);
    group.joinTimer = { kind: "initial", deadline: at + delay, remainingMs: timer.remainingMs - delay, newMemberAdded: false };
  } else completeJoin(group, at);
}

function timers(group: GroupState): Timer[] {
  const out: Timer[] = [];
  for (const p of group.pendingMembers) out.push({ at: p.deadline, fire: (g, at) => removePendingMember(g, p.memberId, at) });
  for (const m of group.members) {
    if (!sessionPaused(group, m)) out.push({ at: m.heartbeatDeadline, fire: (g, at, c) => removeMember(g, m.memberId, at, c) });
  }
  if (group.syncDeadline !== null && (group.state === "CompletingRebalance" || group.state === "Stable")) {
    out.push({ at: group.syncDeadline, fire: expirePendingSync });
  }
  if (group.joinTimer !== null && group.state === "PreparingRebalance") out.push({ at: group.joinTimer.deadline, fire: onJoinTimer });
  return out;
}

function earliest(group: GroupState): Timer | null {
  let first: Timer | null = null;
  for (const t of timers(group)) if (first === null || t.at < first.at) first = t;
  return first;
}

/** A bound on timers replayed at once; the rest are replayed by the next request. */
const MAX_STEPS = 10_000;

/** Replays every timer due by `now` (changes `group`). */
export function settle(group: GroupState, now: number, config: GroupConfig): void {
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = earliest(group);
    if (next === null || next.at > now) break;
    next.fire(group, next.at, config);
    maybeCompleteJoin(group, next.at);
  }
  maybeCompleteJoin(group, now);
}

/** The group as of `now`, for reading (DescribeGroups, ListGroups …) without writing. */
export function settled(group: GroupState, now: number, config: GroupConfig): GroupState {
  const copy = cloneGroup(group);
  settle(copy, now, config);
  return copy;
}

/** When the next timer fires, or null if none is set. */
export function nextDeadline(group: GroupState): number | null {
  return earliest(group)?.at ?? null;
}
