// What DescribeGroups, ListGroups and OffsetDelete see of a group (Kafka's GroupMetadata summary,
// overview and subscribedTopics).

import { Reader } from "../protocol/primitives.ts";
import { metadataFor } from "./protocols.ts";
import { type GroupState, fromBase64 } from "./state.ts";

export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Uint8Array;
  memberAssignment: Uint8Array;
}

export interface GroupSummary {
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: MemberSummary[];
}

/** Only a Stable group shows its protocol and the members' metadata and assignments. */
export function summarize(group: GroupState | null): GroupSummary {
  if (group === null) return { groupState: "Dead", protocolType: "", protocolData: "", members: [] };
  const stable = group.state === "Stable";
  return {
    groupState: group.state,
    protocolType: group.protocolType ?? "",
    protocolData: stable ? (group.protocolName ?? "") : "",
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? fromBase64(metadataFor(m, group.protocolName)) : new Uint8Array(0),
      memberAssignment: stable ? fromBase64(m.assignment) : new Uint8Array(0),
    })),
  };
}

/** Topics of a ConsumerProtocolSubscription (every version starts with an int16 version and the topic array). */
export function subscriptionTopics(metadata: Uint8Array): string[] | null {
  try {
    const r = new Reader(metadata);
    r.int16();
    const count = r.arrayLength();
    return Array.from({ length: Math.max(count, 0) }, () => r.string());
  } catch {
    return null;
  }
}

/**
 * The topics a consumer group's members subscribe to, or null when they cannot be known (another
 * protocol type, or metadata that does not parse): then every topic counts as subscribed.
 */
export function subscribedTopics(group: GroupState): Set<string> | null {
  if (group.protocolType !== "consumer" || group.protocolName === null) return null;
  const topics = new Set<string>();
  for (const m of group.members) {
    const own = subscriptionTopics(fromBase64(metadataFor(m, group.protocolName)));
    if (own === null) return null;
    for (const t of own) topics.add(t);
  }
  return topics;
}
