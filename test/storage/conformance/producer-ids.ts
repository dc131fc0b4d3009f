import { expect, test } from "bun:test";
import type { Engine, ProducerIdRequest } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

const fresh = { producerId: -1, producerEpoch: -1 };

async function initOk(engine: Engine, request: Partial<ProducerIdRequest> = {}) {
  const result = await engine.initProducerId({ ...fresh, ...request });
  if (result.errorCode !== 0) throw new Error(`initProducerId failed with ${result.errorCode}`);
  return { producerId: result.producerId, producerEpoch: result.producerEpoch };
}

export function producerIdCases(ctx: ConformanceContext): void {
  test("idempotent producers get distinct ids at epoch 0", async () => {
    const other = await ctx.second();
    const results = [await initOk(ctx.engine), await initOk(other), await initOk(ctx.engine), await initOk(other)];
    for (const r of results) {
      expect(r.producerEpoch).toBe(0);
      expect(r.producerId).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(results.map((r) => r.producerId)).size).toBe(results.length);
  });

  test("a re-initialising idempotent producer (KIP-360) keeps its id with the next epoch", async () => {
    const first = await initOk(ctx.engine);
    const bumped = await initOk(ctx.engine, first);
    expect(bumped).toEqual({ producerId: first.producerId, producerEpoch: 1 });
    expect(await initOk(await ctx.second(), bumped)).toEqual({ producerId: first.producerId, producerEpoch: 2 });
    // A stale epoch or an id the engine never issued gets a fresh id.
    const stale = await initOk(ctx.engine, first);
    expect(stale.producerId).not.toBe(first.producerId);
    expect(stale.producerEpoch).toBe(0);
    const unknown = await initOk(ctx.engine, { producerId: 2 ** 40, producerEpoch: 3 });
    expect(unknown.producerId).not.toBe(2 ** 40);
    expect(unknown.producerEpoch).toBe(0);
  });
}
