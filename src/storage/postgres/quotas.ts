// Client quotas, one row per entity and key; an alteration is one statement.

import type { ClientQuota, ClientQuotaAlteration } from "../engine.ts";
import { type ClientQuotaRow, clientQuotasFromRows, finalChanges } from "../quota-entity.ts";
import { query, type Db } from "./connect.ts";

export async function clientQuotas(db: Db): Promise<ClientQuota[]> {
  return clientQuotasFromRows(await query<ClientQuotaRow>(db, "client-quotas"));
}

export async function alterClientQuotas(db: Db, alterations: readonly ClientQuotaAlteration[]): Promise<void> {
  const changes = [...finalChanges(alterations)].flatMap(([entity, byKey]) => [...byKey].map(([quota_key, value]) => ({ entity, quota_key, value })));
  if (changes.length > 0) await query(db, "alter-client-quotas", [JSON.stringify(changes)]);
}
