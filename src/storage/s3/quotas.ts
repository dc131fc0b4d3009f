// Client quotas on S3: one object holding every entity's quota values, changed by compare-and-swap
// (cas.ts). Brokers read it rarely (they cache quotas for seconds), so one object is no hot spot.

import type { ClientQuota, ClientQuotaAlteration } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { finalChanges, quotaEntity } from "../quota-entity.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import type { ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

/** Entity key (quota-entity.ts) → quota key → value; writes as in cas.ts. */
interface QuotasDoc {
  entities: Record<string, Record<string, number>>;
  writes: string[];
}

const isValues = (v: unknown): v is Record<string, number> => typeof v === "object" && v !== null && Object.values(v).every((n) => typeof n === "number");

function decodeQuotas(bytes: Uint8Array, key: string): QuotasDoc {
  let o: { v?: unknown; entities?: unknown; writes?: unknown };
  try {
    o = JSON.parse(new TextDecoder().decode(bytes)) as typeof o;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  const { entities } = o;
  if (o.v !== 1 || !Array.isArray(o.writes) || typeof entities !== "object" || entities === null || !Object.values(entities).every(isValues)) {
    throw new StorageError("corrupt", `${key} is malformed`);
  }
  return { entities: entities as QuotasDoc["entities"], writes: o.writes.map(String) };
}

function applied(entities: QuotasDoc["entities"], alterations: readonly ClientQuotaAlteration[]): QuotasDoc["entities"] {
  const out = { ...entities };
  for (const [entity, changes] of finalChanges(alterations)) {
    const values = { ...out[entity] };
    for (const [key, value] of changes) {
      if (value === null) delete values[key];
      else values[key] = value;
    }
    if (Object.keys(values).length === 0) delete out[entity];
    else out[entity] = values;
  }
  return out;
}

export class Quotas {
  private readonly target: CasTarget<QuotasDoc>;

  constructor(
    store: ObjectStore,
    private readonly keys: Keys,
  ) {
    this.target = {
      store,
      cache: new VersionedCache<QuotasDoc>(store, decodeQuotas, { entities: {}, writes: [] }),
      encode: (doc) => new TextEncoder().encode(JSON.stringify({ v: 1, entities: doc.entities, writes: doc.writes })),
      stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
      landed: (doc, writeId) => doc.writes.includes(writeId),
    };
  }

  async list(): Promise<ClientQuota[]> {
    const { entities } = (await this.target.cache.load(this.keys.clientQuotas())).value;
    return Object.entries(entities).map(([key, values]) => ({ entity: quotaEntity(key), values: { ...values } }));
  }

  alter(alterations: readonly ClientQuotaAlteration[]): Promise<void> {
    return compareAndSwap<QuotasDoc, void>(this.target, this.keys.clientQuotas(), ({ value }) => ({
      write: { ...value, entities: applied(value.entities, alterations) },
      then: () => undefined,
    }));
  }
}
