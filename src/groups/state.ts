// A classic consumer group's coordinator state: plain JSON, stored by the engine and changed only by
// the pure transitions in this directory. Timers are absolute deadlines (ms since the epoch); since
// no broker owns a group, they fire lazily (see timers.ts) when any request touches the group.

/** Kafka's group states. A stored group is never Dead: Dead is how a missing group is described. */
export type GroupStateName = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

export interface MemberProtocol {
  name: string;
  /** Opaque member metadata, base64. */
  metadata: string;
}

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** In the member's order of preference. */
  protocols: MemberProtocol[];
  /** Opaque assignment from the leader's SyncGroup, base64. */
  assignment: string;
  /** The member is removed at this time unless a rebalance protects it (see timers.ts). */
  heartbeatDeadline: number;
  /** A JoinGroup of this member waits for the rebalance in progress. */
  awaitingJoin: boolean;
  /** Joined during the rebalance in progress: only heartbeatDeadline (5 minutes) protects it. */
  isNew: boolean;
}

/** A member id handed out with MEMBER_ID_REQUIRED, valid until `deadline` (the session timeout). */
export interface PendingMember {
  memberId: string;
  deadline: number;
}

export type JoinTimer =
  /**
   * A group forming from Empty waits group.initial.rebalance.delay.ms, then again (at most
   * remainingMs in all) while new members keep arriving.
   */
  | { kind: "initial"; deadline: number; remainingMs: number; newMemberAdded: boolean }
  /** Completes once every member has rejoined, or at the deadline (the rebalance timeout). */
  | { kind: "rebalance"; deadline: number };

export interface GroupState {
  state: GroupStateName;
  generationId: number;
  protocolType: string | null;
  /** The protocol chosen for the current generation. */
  protocolName: string | null;
  leaderId: string | null;
  /** In join order, which decides who leads when the leader goes. */
  members: Member[];
  pendingMembers: PendingMember[];
  /** Set exactly while PreparingRebalance. */
  joinTimer: JoinTimer | null;
  /** Members of the current generation that have not sent SyncGroup; removed at syncDeadline. */
  pendingSync: string[];
  syncDeadline: number | null;
  /** When the group entered its state. */
  stateTimestamp: number;
}

/** A transition's result: the group afterwards (null: no group) and the answer to the request. */
export interface Transition<R> {
  group: GroupState | null;
  reply: R;
}

export interface GroupConfig {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

/** Kafka's limit on how long a new member may wait in JoinGroup before it is dropped. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export function emptyGroup(now: number): GroupState {
  return {
    state: "Empty",
    generationId: 0,
    protocolType: null,
    protocolName: null,
    leaderId: null,
    members: [],
    pendingMembers: [],
    joinTimer: null,
    pendingSync: [],
    syncDeadline: null,
    stateTimestamp: now,
  };
}

export function cloneGroup(group: GroupState): GroupState {
  return structuredClone(group);
}

export function findMember(group: GroupState, memberId: string): Member | undefined {
  return group.members.find((m) => m.memberId === memberId);
}

export function staticMember(group: GroupState, groupInstanceId: string): Member | undefined {
  return group.members.find((m) => m.groupInstanceId === groupInstanceId);
}

/** Kafka's isStaticMemberFenced: the instance id belongs to a different member id. */
export function isFenced(group: GroupState, groupInstanceId: string | null, memberId: string): boolean {
  if (groupInstanceId === null) return false;
  const owner = staticMember(group, groupInstanceId);
  return owner !== undefined && owner.memberId !== memberId;
}

export function isPendingMember(group: GroupState, memberId: string): boolean {
  return group.pendingMembers.some((p) => p.memberId === memberId);
}

/** The largest rebalance timeout of the members (Kafka's group.rebalanceTimeoutMs). */
export function rebalanceTimeoutMs(group: GroupState): number {
  return group.members.reduce((max, m) => Math.max(max, m.rebalanceTimeoutMs), 0);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
