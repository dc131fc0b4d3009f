// Client quotas: entity key → quota key → value.

import type { ClientQuota, ClientQuotaAlteration } from "../engine.ts";
import { finalChanges, quotaEntity } from "../quota-entity.ts";

export class QuotaStore {
  private readonly byEntity = new Map<string, Map<string, number>>();

  list(): ClientQuota[] {
    return [...this.byEntity].map(([key, values]) => ({ entity: quotaEntity(key), values: Object.fromEntries(values) }));
  }

  alter(alterations: readonly ClientQuotaAlteration[]): void {
    for (const [key, changes] of finalChanges(alterations)) {
      const values = this.byEntity.get(key) ?? new Map<string, number>();
      for (const [quotaKey, value] of changes) {
        if (value === null) values.delete(quotaKey);
        else values.set(quotaKey, value);
      }
      if (values.size === 0) this.byEntity.delete(key);
      else this.byEntity.set(key, values);
    }
  }
}
