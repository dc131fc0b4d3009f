// AlterClientQuotas (key 49), v0–1 (KIP-546): sets and removes producer_byte_rate,
// consumer_byte_rate and request_percentage of user and client-id entities (null name: the
// type's default), checked per entry (quotas/alter.ts); the valid entries are stored in one
// atomic write, and every broker enforces them once its quota cache expires (this one at once).
// An entity named by more than one entry is INVALID_REQUEST for each of them; validateOnly checks
// and stores nothing.
// Deviations: ip entities (connection_creation_rate) and controller_mutation_rate are refused with
// INVALID_REQUEST, as is a value that is not greater than zero.
// Authorization: ALTER_CONFIGS on the cluster, else every entry answers CLUSTER_AUTHORIZATION_FAILED.

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { AlterClientQuotasApi, type AlterClientQuotasRequest, type AlterClientQuotasResponse } from "../protocol/generated/alter-client-quotas.ts";
import { alterationOf } from "../quotas/alter.ts";
import { describeEntity } from "../quotas/entity.ts";
import type { ClientQuotaAlteration } from "../storage/engine.ts";
import { quotaEntityKey } from "../storage/quota-entity.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type Outcome = { errorCode: number; errorMessage: string | null };

export default defineHandler<AlterClientQuotasRequest, AlterClientQuotasResponse>({
  api: AlterClientQuotasApi,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { broker } = ctx;
    const entity = (e: AlterClientQuotasRequest["entries"][number]) => e.entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
    if (!allowed(ctx, AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) {
      const refused = { errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, errorMessage: "Cluster authorization failed." };
      return { throttleTimeMs: 0, entries: request.entries.map((e) => ({ ...refused, entity: entity(e) })) };
    }
    const keys = request.entries.map((e) => quotaEntityKey(e.entity));
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const checked = request.entries.map((e, i) =>
      (counts.get(keys[i]!) ?? 0) > 1 ? { problem: `Ignoring duplicate entity ${describeEntity(e.entity)}` } : alterationOf(e.entity, e.ops),
    );
    const valid = checked.flatMap((c): ClientQuotaAlteration[] => ("alteration" in c ? [c.alteration] : []));
    let stored: Outcome = { errorCode: ErrorCodes.NONE, errorMessage: null };
    if (!request.validateOnly && valid.length > 0) {
      try {
        await broker.engine.alterClientQuotas(valid);
        broker.log.info("altered client quotas", { entities: valid.map((a) => `{${describeEntity(a.entity)}}`).join(" ") });
        await broker.quotas?.refresh();
      } catch (e) {
        stored = { errorCode: storageErrorCode(e), errorMessage: "client quotas cannot be written to storage" };
      }
    }
    const entries = request.entries.map((e, i) => {
      const c = checked[i]!;
      const outcome: Outcome = "problem" in c ? { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: c.problem } : stored;
      return { ...outcome, entity: entity(e) };
    });
    return { throttleTimeMs: 0, entries };
  },
});
