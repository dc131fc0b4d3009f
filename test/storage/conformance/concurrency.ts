import { expect, test } from "bun:test";
import type { AppendBatch, Engine } from "../../../src/storage/engine.ts";
import { expectedStored, testBatch } from "../record-batch.ts";
import { appendOk, readAll, type ConformanceContext } from "./context.ts";

const WRITERS = 20;
const BATCHES_PER_WRITER = 50;

export function concurrencyCases(ctx: ConformanceContext): void {
  test(`${WRITERS} concurrent writers through two instances leave no holes or duplicates`, async () => {
    const topic = await ctx.createTopic("concurrent");
    const engines: Engine[] = [ctx.engine, await ctx.second()];
    const sent = new Map<string, AppendBatch>();
    const acked = new Map<number, string>();

    const writer = async (w: number) => {
      const engine = engines[w % engines.length] ?? ctx.engine;
      for (let i = 0; i < BATCHES_PER_WRITER; i++) {
        const payload = `writer ${w} batch ${i}`;
        const batch = testBatch({ recordCount: 1 + ((w + i) % 3), payload });
        sent.set(payload, batch);
        acked.set(await appendOk(engine, topic, 0, batch), payload);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const stored = await readAll(ctx.engine, topic, 0);
    expect(stored.length).toBe(WRITERS * BATCHES_PER_WRITER);
    let next = 0;
    const lastSeen = new Map<number, number>();
    for (const batch of stored) {
      expect(batch.baseOffset).toBe(next);
      next = batch.lastOffset + 1;
      const payload = acked.get(batch.baseOffset) ?? "";
      const original = sent.get(payload);
      expect(original).toBeDefined();
      expect(batch.lastOffset - batch.baseOffset + 1).toBe(original?.meta.recordCount ?? 0);
      expect(batch.bytes).toEqual(expectedStored(original?.bytes ?? new Uint8Array(), batch.baseOffset));
      // Each writer awaits its appends, so its batches keep their order.
      const [w = -1, i = -1] = payload.match(/\d+/g)?.map(Number) ?? [];
      expect(i).toBeGreaterThan(lastSeen.get(w) ?? -1);
      lastSeen.set(w, i);
    }
    const offsets = await ctx.engine.offsets(topic, 0);
    expect(offsets).toMatchObject({ errorCode: 0, highWatermark: next });
  });

  test("concurrent idempotent producers and concurrent retries of one batch", async () => {
    const topic = await ctx.createTopic("concurrent-idempotent");
    const engines: Engine[] = [ctx.engine, await ctx.second()];
    const producer = async (p: number) => {
      const init = await engines[p % 2]?.initProducerId({ producerId: -1, producerEpoch: -1 });
      if (init?.errorCode !== 0) throw new Error("initProducerId failed");
      const offsets: number[] = [];
      for (let seq = 0; seq < 20; seq += 2) {
        const { producerId, producerEpoch } = init;
        const payload = `producer ${p} sequence ${seq}`;
        const batch = testBatch({ producerId, producerEpoch, baseSequence: seq, recordCount: 2, payload });
        // The same batch sent twice at once (a retry racing the original) is stored once.
        const [a = -1, b = -2] = await Promise.all(engines.map((engine) => appendOk(engine, topic, 0, batch)));
        expect(a).toBe(b);
        offsets.push(a);
      }
      return offsets;
    };
    const all = (await Promise.all(Array.from({ length: 8 }, (_, p) => producer(p)))).flat();
    expect(new Set(all).size).toBe(all.length);
    const stored = await readAll(ctx.engine, topic, 0);
    expect(stored.map((b) => b.baseOffset)).toEqual([...all].sort((x, y) => x - y));
    expect(stored.at(-1)?.lastOffset).toBe(8 * 10 * 2 - 1);
  });
}
