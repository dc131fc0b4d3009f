// AlterClientQuotas' checks of one entry (KIP-546): the entity (entity.ts), then its operations —
// a key at most once, values set only for keys this broker enforces (keys.ts). Removing a key
// needs no check, as in Kafka: removing what is not set does nothing.

import type { ClientQuotaAlteration, QuotaEntityPart } from "../storage/engine.ts";
import { entityProblem } from "./entity.ts";
import { quotaValueProblem } from "./keys.ts";

export interface QuotaOp {
  key: string;
  value: number;
  remove: boolean;
}

/** The alteration an entry asks for, or why it is invalid. */
export function alterationOf(entity: readonly QuotaEntityPart[], ops: readonly QuotaOp[]): { alteration: ClientQuotaAlteration } | { problem: string } {
  const problem = entityProblem(entity);
  if (problem !== null) return { problem };
  const changes: Record<string, number | null> = {};
  for (const op of ops) {
    if (Object.hasOwn(changes, op.key)) return { problem: `Duplicate quota key ${op.key} not updating quota for this entity` };
    const valueProblem = op.remove ? null : quotaValueProblem(op.key, op.value);
    if (valueProblem !== null) return { problem: valueProblem };
    changes[op.key] = op.remove ? null : op.value;
  }
  return { alteration: { entity: entity.map(({ entityType, entityName }) => ({ entityType, entityName })), changes } };
}
