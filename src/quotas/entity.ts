// Client quota entities (KIP-546): a user, a client id, or both; a null name is the type's default
// entity. Kafka's third type, ip (connection_creation_rate), is not supported here.

import type { QuotaEntityPart } from "../storage/engine.ts";

export const USER = "user";
export const CLIENT_ID = "client-id";
export const IP = "ip";

/** The principal name Kafka gives connections that have not authenticated (User:ANONYMOUS). */
export const ANONYMOUS = "ANONYMOUS";

/** Why AlterClientQuotas cannot store quotas for `entity`, or null. */
export function entityProblem(entity: readonly QuotaEntityPart[]): string | null {
  if (entity.length === 0) return "Invalid empty client quota entity";
  const seen = new Set<string>();
  for (const { entityType, entityName } of entity) {
    if (seen.has(entityType)) return `Invalid client quota entity, duplicate entity entry ${entityType}`;
    seen.add(entityType);
    if (entityType === IP) return "ip quota entities are not supported by this broker";
    if (entityType !== USER && entityType !== CLIENT_ID) return `Unhandled client quota entity type: ${entityType}`;
    if (entityName === "") return `Empty ${entityType} not supported`;
  }
  return null;
}

/** "user=alice, client-id=<default>", for messages and logs. */
export function describeEntity(entity: readonly QuotaEntityPart[]): string {
  return entity.map((p) => `${p.entityType}=${p.entityName ?? "<default>"}`).join(", ");
}
