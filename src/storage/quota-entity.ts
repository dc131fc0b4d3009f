// Client quota entities as the engines key them: one canonical text per entity (its parts sorted
// by entity type, as JSON), so an entity named with its parts in any order is one row or entry.

import type { ClientQuota, ClientQuotaAlteration, QuotaEntityPart } from "./engine.ts";

export function quotaEntityKey(entity: readonly QuotaEntityPart[]): string {
  const parts = [...entity].sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : 0));
  return JSON.stringify(parts.map((p) => [p.entityType, p.entityName]));
}

/** The entity a key names; throws on a key quotaEntityKey did not write. */
export function quotaEntity(key: string): QuotaEntityPart[] {
  const parts: unknown = JSON.parse(key);
  if (!Array.isArray(parts)) throw new SyntaxError(`not a quota entity: ${key}`);
  return parts.map((part: unknown) => {
    if (!Array.isArray(part) || typeof part[0] !== "string" || (part[1] !== null && typeof part[1] !== "string")) throw new SyntaxError(`not a quota entity: ${key}`);
    return { entityType: part[0], entityName: part[1] as string | null };
  });
}

/** What the alterations leave to write: entity key → quota key → value, or null to remove. */
export function finalChanges(alterations: readonly ClientQuotaAlteration[]): Map<string, Map<string, number | null>> {
  const out = new Map<string, Map<string, number | null>>();
  for (const a of alterations) {
    const key = quotaEntityKey(a.entity);
    let changes = out.get(key);
    if (changes === undefined) out.set(key, (changes = new Map()));
    for (const [quotaKey, value] of Object.entries(a.changes)) changes.set(quotaKey, value);
  }
  return out;
}

/** A row of the SQL engines' client_quota table. */
export interface ClientQuotaRow {
  entity: string;
  quota_key: string;
  value: number;
}

/** Rows (ordered by entity) grouped into entities. */
export function clientQuotasFromRows(rows: readonly ClientQuotaRow[]): ClientQuota[] {
  const byEntity = new Map<string, Record<string, number>>();
  for (const row of rows) {
    let values = byEntity.get(row.entity);
    if (values === undefined) byEntity.set(row.entity, (values = {}));
    values[row.quota_key] = row.value;
  }
  return [...byEntity].map(([key, values]) => ({ entity: quotaEntity(key), values }));
}
