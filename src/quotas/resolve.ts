// Which quota applies to a client, in Kafka's order of precedence (the first entity that sets the
// key wins, each key on its own):
//   /user/client-id, /user/<default client-id>, /user,
//   /<default user>/client-id, /<default user>/<default client-id>, /<default user>,
//   /client-id, /<default client-id>.
// The sensor says whose usage the quota limits, as Kafka's metric tags do: a quota of a user
// entity counts all that user's client ids together, one of a client-id entity all users of that
// client id; a default entity counts each user or client id on its own.

import type { QuotaEntityPart } from "../storage/engine.ts";
import { quotaEntityKey } from "../storage/quota-entity.ts";
import { CLIENT_ID, USER } from "./entity.ts";
import { CONSUMER_BYTE_RATE, PRODUCER_BYTE_RATE, REQUEST_PERCENTAGE, type QuotaKey } from "./keys.ts";

/** Entity key (storage/quota-entity.ts) → quota key → value. */
export type QuotaSnapshot = ReadonlyMap<string, Readonly<Record<string, number>>>;

export interface QuotaLimit {
  bound: number;
  /** Identifies the usage the bound applies to (the quota key and Kafka's user and client-id tags). */
  sensor: string;
}

export interface ClientLimits {
  produce: QuotaLimit | null;
  fetch: QuotaLimit | null;
  request: QuotaLimit | null;
}

interface Candidate {
  entity: string;
  user: string;
  clientId: string;
}

function candidates(user: string, clientId: string): Candidate[] {
  const u = (name: string | null): QuotaEntityPart => ({ entityType: USER, entityName: name });
  const c = (name: string | null): QuotaEntityPart => ({ entityType: CLIENT_ID, entityName: name });
  const both = { user, clientId };
  const userOnly = { user, clientId: "" };
  const clientOnly = { user: "", clientId };
  return [
    { entity: quotaEntityKey([u(user), c(clientId)]), ...both },
    { entity: quotaEntityKey([u(user), c(null)]), ...both },
    { entity: quotaEntityKey([u(user)]), ...userOnly },
    { entity: quotaEntityKey([u(null), c(clientId)]), ...both },
    { entity: quotaEntityKey([u(null), c(null)]), ...both },
    { entity: quotaEntityKey([u(null)]), ...userOnly },
    { entity: quotaEntityKey([c(clientId)]), ...clientOnly },
    { entity: quotaEntityKey([c(null)]), ...clientOnly },
  ];
}

function limit(snapshot: QuotaSnapshot, found: readonly Candidate[], key: QuotaKey): QuotaLimit | null {
  for (const c of found) {
    const bound = snapshot.get(c.entity)?.[key];
    if (bound !== undefined) return { bound, sensor: `${key}\u0000${c.user}\u0000${c.clientId}` };
  }
  return null;
}

/** The limits of the client with principal name `user` and `clientId`; null when none applies. */
export function resolveLimits(snapshot: QuotaSnapshot, user: string, clientId: string): ClientLimits | null {
  if (snapshot.size === 0) return null;
  const found = candidates(user, clientId).filter((c) => snapshot.has(c.entity));
  if (found.length === 0) return null;
  const limits = { produce: limit(snapshot, found, PRODUCER_BYTE_RATE), fetch: limit(snapshot, found, CONSUMER_BYTE_RATE), request: limit(snapshot, found, REQUEST_PERCENTAGE) };
  return limits.produce === null && limits.fetch === null && limits.request === null ? null : limits;
}
