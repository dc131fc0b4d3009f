import { expect, test } from "bun:test";
import type { ClientQuota, Engine, QuotaEntityPart } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

const user = (entityName: string | null): QuotaEntityPart => ({ entityType: "user", entityName });
const client = (entityName: string | null): QuotaEntityPart => ({ entityType: "client-id", entityName });

/** The stored quotas of entities whose names start with `prefix` (or are defaults), in a fixed order. */
async function quotas(engine: Engine, prefix: string): Promise<ClientQuota[]> {
  const all = await engine.clientQuotas();
  const mine = all.filter((q) => q.entity.every((p) => p.entityName === null || p.entityName.startsWith(prefix)));
  return mine.sort((a, b) => (JSON.stringify(a.entity) < JSON.stringify(b.entity) ? -1 : 1));
}

export function quotaCases(ctx: ConformanceContext): void {
  test("quotas are stored per entity, parts in entity type order, defaults as null names", async () => {
    const p = ctx.topicName("q");
    await ctx.engine.alterClientQuotas([
      { entity: [user(`${p}-alice`), client(`${p}-app`)], changes: { producer_byte_rate: 51200, consumer_byte_rate: 2 ** 40 } },
      { entity: [client(null), user(`${p}-alice`)], changes: { request_percentage: 12.5 } },
      { entity: [user(null)], changes: { producer_byte_rate: 1 } },
      { entity: [client(`${p}-ünï/"odd":name`)], changes: { consumer_byte_rate: 1024 } },
      { entity: [client(`${p}-null`)], changes: { consumer_byte_rate: 7 } },
    ]);
    expect(await quotas(ctx.engine, p)).toEqual([
      { entity: [client(`${p}-app`), user(`${p}-alice`)], values: { producer_byte_rate: 51200, consumer_byte_rate: 2 ** 40 } },
      { entity: [client(`${p}-null`)], values: { consumer_byte_rate: 7 } },
      { entity: [client(`${p}-ünï/"odd":name`)], values: { consumer_byte_rate: 1024 } },
      { entity: [client(null), user(`${p}-alice`)], values: { request_percentage: 12.5 } },
      { entity: [user(null)], values: { producer_byte_rate: 1 } },
    ]);
  });

  test("an alteration sets and removes keys; an entity without keys is gone; removing an unset key does nothing", async () => {
    const p = ctx.topicName("alter");
    const entity = [client(`${p}-app`)];
    await ctx.engine.alterClientQuotas([{ entity, changes: { producer_byte_rate: 100, consumer_byte_rate: 200 } }]);
    await ctx.engine.alterClientQuotas([{ entity, changes: { producer_byte_rate: 300, consumer_byte_rate: null, request_percentage: null } }]);
    expect(await quotas(ctx.engine, p)).toEqual([{ entity, values: { producer_byte_rate: 300 } }]);
    await ctx.engine.alterClientQuotas([{ entity, changes: { producer_byte_rate: null } }]);
    expect(await quotas(ctx.engine, p)).toEqual([]);
    await ctx.engine.alterClientQuotas([{ entity, changes: { producer_byte_rate: null } }]);
    expect(await quotas(ctx.engine, p)).toEqual([]);
  });

  test("alterations of one call apply in order, atomically", async () => {
    const p = ctx.topicName("order");
    const a = [user(`${p}-a`)];
    await ctx.engine.alterClientQuotas([
      { entity: a, changes: { producer_byte_rate: 1 } },
      { entity: [user(`${p}-b`)], changes: { producer_byte_rate: 2 } },
      { entity: a, changes: { producer_byte_rate: 3, consumer_byte_rate: 4 } },
      { entity: a, changes: { consumer_byte_rate: null } },
    ]);
    expect(await quotas(ctx.engine, p)).toEqual([
      { entity: a, values: { producer_byte_rate: 3 } },
      { entity: [user(`${p}-b`)], values: { producer_byte_rate: 2 } },
    ]);
  });

  test("every instance over the store sees the same quotas, and concurrent writers lose nothing", async () => {
    const p = ctx.topicName("shared");
    const engines = [ctx.engine, await ctx.second()];
    await engines[0]!.alterClientQuotas([{ entity: [client(`${p}-x`)], changes: { producer_byte_rate: 10 } }]);
    expect(await quotas(engines[1]!, p)).toEqual([{ entity: [client(`${p}-x`)], values: { producer_byte_rate: 10 } }]);
    const writers = 8;
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        engines[w % 2]!.alterClientQuotas([{ entity: [client(`${p}-w${w}`)], changes: { consumer_byte_rate: w + 1 } }, { entity: [client(`${p}-x`)], changes: { [`k${w}`]: w } }]),
      ),
    );
    const stored = await quotas(engines[0]!, p);
    expect(stored).toHaveLength(writers + 1);
    for (let w = 0; w < writers; w++) expect(stored).toContainEqual({ entity: [client(`${p}-w${w}`)], values: { consumer_byte_rate: w + 1 } });
    const x = stored.find((q) => q.entity[0]?.entityName === `${p}-x`);
    expect(Object.keys(x?.values ?? {}).sort()).toEqual(["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "producer_byte_rate"]);
  });
}
