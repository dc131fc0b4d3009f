// Client quotas, one row per entity and key. Each function runs inside a transaction the engine
// opens; writes inside BEGIN IMMEDIATE.

import type { ClientQuota, ClientQuotaAlteration } from "../engine.ts";
import { type ClientQuotaRow, clientQuotasFromRows, finalChanges } from "../quota-entity.ts";
import type { Statements } from "./statements.ts";

export function clientQuotas(s: Statements): ClientQuota[] {
  return clientQuotasFromRows(s.all<ClientQuotaRow>("client-quotas"));
}

export function alterClientQuotas(s: Statements, alterations: readonly ClientQuotaAlteration[]): void {
  for (const [entity, changes] of finalChanges(alterations)) {
    for (const [key, value] of changes) {
      if (value === null) s.run("delete-client-quota", entity, key);
      else s.run("upsert-client-quota", entity, key, value);
    }
  }
}
