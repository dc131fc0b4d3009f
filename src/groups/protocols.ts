// Protocol agreement between members: which protocols a joining member may bring, and which one
// the group uses for a generation.

import type { GroupState, Member, MemberProtocol } from "./state.ts";

/**
 * Kafka's supportsProtocols: an Empty group takes any non-empty protocol type and list; otherwise the
 * type must match and one of the member's protocols must be supported by every current member.
 */
export function supportsProtocols(group: GroupState, protocolType: string, protocols: readonly MemberProtocol[]): boolean {
  if (group.state === "Empty") return protocolType !== "" && protocols.length > 0;
  if (group.protocolType !== protocolType) return false;
  return protocols.some((p) => group.members.every((m) => m.protocols.some((q) => q.name === p.name)));
}

/** Protocols every member supports, in the first member's order of preference. */
function candidates(group: GroupState): string[] {
  const [first, ...rest] = group.members;
  if (first === undefined) return [];
  return first.protocols.map((p) => p.name).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name)));
}

/**
 * Kafka's selectProtocol: each member votes for the first candidate in its own preference order;
 * the most votes win (ties go to the candidate the first member prefers).
 */
export function selectProtocol(group: GroupState): string | null {
  const names = candidates(group);
  const votes = new Map<string, number>();
  for (const m of group.members) {
    const vote = m.protocols.find((p) => names.includes(p.name));
    if (vote !== undefined) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const name of names) if (best === null || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  return best;
}

/** Kafka's MemberMetadata.matches: the same protocols, in the same order, with the same metadata. */
export function sameProtocols(member: Member, protocols: readonly MemberProtocol[]): boolean {
  return member.protocols.length === protocols.length && member.protocols.every((p, i) => p.name === protocols[i]?.name && p.metadata === protocols[i]?.metadata);
}

/** The member's metadata for the group's protocol, base64 ("" when it has none). */
export function metadataFor(member: Member, protocolName: string | null): string {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? "";
}
