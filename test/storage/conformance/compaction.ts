import { expect, test } from "bun:test";
import { decodeBatch, encodeBatch } from "../../../src/protocol/records/index.ts";
import type { AppendBatch, CompactionPolicy, Engine } from "../../../src/storage/engine.ts";
import { appendOk, readAll, type ConformanceContext } from "./context.ts";

const T0 = 1_700_000_000_000;
const NOW = T0 + 3_600_000;
const everything: CompactionPolicy = { compactBefore: NOW, tombstonesBefore: T0 + 1 };

const text = (s: string | null) => (s === null ? null : new TextEncoder().encode(s));

/** A batch of keyed records (value null: a tombstone), as a client would produce it. */
function keyed(records: [string, string | null][], options: { codec?: "none" | "gzip"; producerId?: number; producerEpoch?: number; baseSequence?: number; timestamp?: number } = {}): AppendBatch {
  const timestamp = options.timestamp ?? T0;
  const bytes = encodeBatch(records.map(([k, v]) => ({ key: text(k), value: text(v), timestamp })), {
    codec: options.codec ?? "none",
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
  });
  const meta = {
    recordCount: records.length,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    isTransactional: false,
    isControl: false,
  };
  return { bytes, meta };
}

async function records(engine: Engine, topic: string): Promise<[number, string, string | null][]> {
  const out: [number, string, string | null][] = [];
  for (const b of await readAll(engine, topic, 0)) {
    for (const r of decodeBatch(b.bytes).records) out.push([r.offset, new TextDecoder().decode(r.key ?? new Uint8Array()), r.value === null ? null : new TextDecoder().decode(r.value)]);
  }
  return out;
}

export function compactionCases(ctx: ConformanceContext): void {
  test("the latest record per key stays at its offset; older ones and old tombstones go; the last batch is never touched", async () => {
    const topic = await ctx.createTopic("compact", 1, { "cleanup.policy": "compact" });
    await appendOk(ctx.engine, topic, 0, keyed([["a", "a1"], ["b", "b1"], ["c", "c1"]]));
    await appendOk(ctx.engine, topic, 0, keyed([["a", "a2"], ["b", null]], { codec: "gzip" }));
    await appendOk(ctx.engine, topic, 0, keyed([["c", "c2"], ["d", "d1"]], { timestamp: T0 + 5 }));
    await appendOk(ctx.engine, topic, 0, keyed([["a", "a3"]]));
    const result = await ctx.engine.compact(topic, 0, everything);
    expect(result).toEqual({ errorCode: 0, removedRecords: 4 });
    const other = await ctx.second();
    // b's tombstone is older than tombstonesBefore: gone; the last batch (a3) is the active one
    expect(await records(other, topic)).toEqual([[3, "a", "a2"], [5, "c", "c2"], [6, "d", "d1"], [7, "a", "a3"]]);
    expect(await other.offsets(topic, 0)).toMatchObject({ errorCode: 0, logStartOffset: 0, highWatermark: 8 });
    const batches = await readAll(other, topic, 0);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[3, 4], [5, 6], [7, 7]]);
    // the rewritten batch keeps its codec and its original last offset; CRCs verify
    expect(decodeBatch(batches[0]!.bytes).header).toMatchObject({ codec: "gzip", recordCount: 1, lastOffsetDelta: 1 });
    // again: nothing left to do
    expect(await other.compact(topic, 0, everything)).toEqual({ errorCode: 0, removedRecords: 0 });
    expect(await other.retained(topic, 0)).toEqual({ errorCode: 0, retainedBytes: batches.reduce((n, b) => n + b.bytes.byteLength, 0), batchCount: 3 });
  });

  test("records newer than compactBefore and young tombstones wait", async () => {
    const topic = await ctx.createTopic("compact-lag", 1, { "cleanup.policy": "compact" });
    await appendOk(ctx.engine, topic, 0, keyed([["k", "1"], ["k", null]]));
    await appendOk(ctx.engine, topic, 0, keyed([["k", "2"]], { timestamp: T0 + 10 }));
    await appendOk(ctx.engine, topic, 0, keyed([["k", "3"]], { timestamp: T0 + 20 }));
    expect(await ctx.engine.compact(topic, 0, { compactBefore: T0 + 5, tombstonesBefore: T0 })).toEqual({ errorCode: 0, removedRecords: 1 });
    expect(await records(ctx.engine, topic)).toEqual([[1, "k", null], [2, "k", "2"], [3, "k", "3"]]);
    // k's latest record within the cleanable range (the last batch is outside it) stays
    expect(await ctx.engine.compact(topic, 0, { compactBefore: NOW, tombstonesBefore: T0 })).toEqual({ errorCode: 0, removedRecords: 1 });
    expect(await records(ctx.engine, topic)).toEqual([[2, "k", "2"], [3, "k", "3"]]);
  });

  test("an idempotent producer's next sequence is still accepted after its batches were compacted away", async () => {
    const topic = await ctx.createTopic("compact-idempotent", 1, { "cleanup.policy": "compact" });
    await appendOk(ctx.engine, topic, 0, keyed([["k", "1"]], { producerId: 9001, producerEpoch: 0, baseSequence: 0 }));
    await appendOk(ctx.engine, topic, 0, keyed([["k", "2"]], { producerId: 9001, producerEpoch: 0, baseSequence: 1 }));
    await appendOk(ctx.engine, topic, 0, keyed([["k", "3"]], { producerId: 9001, producerEpoch: 0, baseSequence: 2 }));
    await ctx.engine.compact(topic, 0, everything);
    expect(await appendOk(await ctx.second(), topic, 0, keyed([["k", "4"]], { producerId: 9001, producerEpoch: 0, baseSequence: 3 }))).toBe(3);
    expect(await records(ctx.engine, topic)).toEqual([[1, "k", "2"], [2, "k", "3"], [3, "k", "4"]]);
  });

  test("two instances compacting while a third appends lose no record the policy keeps", async () => {
    const topic = await ctx.createTopic("compact-race", 1, { "cleanup.policy": "compact" });
    for (let i = 0; i < 20; i++) await appendOk(ctx.engine, topic, 0, keyed([[`k${i % 4}`, `v${i}`]]));
    const other = await ctx.second();
    await Promise.all([
      ctx.engine.compact(topic, 0, everything),
      other.compact(topic, 0, everything),
      (async () => {
        for (let i = 20; i < 24; i++) await appendOk(other, topic, 0, keyed([[`k${i % 4}`, `v${i}`]]));
      })(),
    ]);
    const left = await records(ctx.engine, topic);
    for (let k = 0; k < 4; k++) expect(left.filter(([, key]) => key === `k${k}`).at(-1)).toEqual([20 + k, `k${k}`, `v${20 + k}`]);
    expect(left.map(([offset]) => offset)).toEqual([...left.map(([offset]) => offset)].sort((a, b) => a - b));
    expect(await ctx.engine.offsets(topic, 0)).toMatchObject({ highWatermark: 24 });
  });
}
