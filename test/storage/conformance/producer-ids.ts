import { expect, test } from "bun:test";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import type { Engine, ProducerIdRequest } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

const fresh = { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 };

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

  test("each init of a transactional id bumps the epoch of the same producer id", async () => {
    const transactionalId = ctx.topicName("txn");
    const first = await initOk(ctx.engine, { transactionalId });
    expect(first.producerEpoch).toBe(0);
    expect(await initOk(ctx.engine, { transactionalId })).toEqual({ ...first, producerEpoch: 1 });
    expect(await initOk(await ctx.second(), { transactionalId })).toEqual({ ...first, producerEpoch: 2 });
    const another = await initOk(ctx.engine, { transactionalId: ctx.topicName("txn-other") });
    expect(another.producerId).not.toBe(first.producerId);
    expect(another.producerEpoch).toBe(0);
  });

  test("a transactional producer re-initialising with its epoch bumps it; a stale one is fenced", async () => {
    const transactionalId = ctx.topicName("txn-kip360");
    const first = await initOk(ctx.engine, { transactionalId });
    const bumped = await initOk(ctx.engine, { transactionalId, ...first });
    expect(bumped).toEqual({ ...first, producerEpoch: 1 });
    // A retry of that call (the producer never saw the answer) gets the same epoch.
    expect(await initOk(ctx.engine, { transactionalId, ...first })).toEqual(bumped);
    await initOk(ctx.engine, { transactionalId });
    const fenced = await ctx.engine.initProducerId({ ...fresh, transactionalId, ...first });
    expect(fenced.errorCode).toBe(ErrorCodes.PRODUCER_FENCED);
    const wrongId = { ...fresh, transactionalId, producerId: 2 ** 40, producerEpoch: 0 };
    expect((await ctx.engine.initProducerId(wrongId)).errorCode).toBe(ErrorCodes.PRODUCER_FENCED);
  });

  test("an empty transactional id is INVALID_REQUEST", async () => {
    expect((await ctx.engine.initProducerId({ ...fresh, transactionalId: "" })).errorCode).toBe(
      ErrorCodes.INVALID_REQUEST,
    );
  });
}
