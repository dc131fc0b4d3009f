import { expect, test } from "bun:test";
import type { Engine, StoredGroup } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(promise: Promise<void>): Promise<number> {
  const since = performance.now();
  await promise;
  return performance.now() - since;
}

async function put(engine: Engine, groupId: string, state: string, expected: string | null): Promise<string> {
  const written = await engine.putGroup(groupId, state, expected);
  if (!written.ok) throw new Error(`putGroup ${groupId} lost unexpectedly`);
  return written.version;
}

/** Reads, changes and writes back until the write wins (the way the coordinator updates a group). */
async function increment(engine: Engine, groupId: string): Promise<number> {
  let stored: StoredGroup | null = await engine.getGroup(groupId);
  for (let attempt = 1; ; attempt++) {
    const next = JSON.stringify({ count: stored === null ? 1 : (JSON.parse(stored.state) as { count: number }).count + 1 });
    const written = await engine.putGroup(groupId, next, stored?.version ?? null);
    if (written.ok) return attempt;
    stored = written.current;
  }
}

export function groupCases(ctx: ConformanceContext): void {
  test("a group is created only if absent and read back unchanged", async () => {
    const id = ctx.topicName("group");
    expect(await ctx.engine.getGroup(id)).toBeNull();
    const state = JSON.stringify({ state: "Empty", note: "ünïcødé", members: [] });
    const version = await put(ctx.engine, id, state, null);
    expect(await ctx.engine.getGroup(id)).toEqual({ groupId: id, version, state });
    const again = await ctx.engine.putGroup(id, "{}", null);
    expect(again).toEqual({ ok: false, current: { groupId: id, version, state } });
  });

  test("compare-and-swap writes only over the expected version; a conflict carries what is stored", async () => {
    const id = ctx.topicName("cas");
    const v1 = await put(ctx.engine, id, '{"n":1}', null);
    const v2 = await put(ctx.engine, id, '{"n":2}', v1);
    expect(v2).not.toBe(v1);
    expect(await ctx.engine.putGroup(id, '{"n":3}', v1)).toEqual({ ok: false, current: { groupId: id, version: v2, state: '{"n":2}' } });
    expect(await ctx.engine.putGroup(ctx.topicName("absent"), "{}", v2)).toEqual({ ok: false, current: null });
    expect((await ctx.engine.getGroup(id))?.state).toBe('{"n":2}');
  });

  test("two writers racing on one group: exactly one wins each round", async () => {
    const id = ctx.topicName("race");
    const engines = [ctx.engine, await ctx.second()];
    let version = await put(ctx.engine, id, '{"round":0}', null);
    for (let round = 1; round <= 20; round++) {
      const results = await Promise.all(engines.map((e, w) => e.putGroup(id, JSON.stringify({ round, writer: w }), version)));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      if (winner?.ok !== true) throw new Error("no winner");
      const stored = await engines[round % 2]?.getGroup(id);
      expect(stored?.version).toBe(winner.version);
      for (const r of results) if (!r.ok) expect(r.current?.version).toBe(winner.version);
      version = winner.version;
    }
  });

  test("concurrent read-modify-write through two instances loses no update", async () => {
    const id = ctx.topicName("counter");
    const engines = [ctx.engine, await ctx.second()];
    const writers = 8;
    const perWriter = 15;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await increment(engines[w % 2] ?? ctx.engine, id);
      }),
    );
    const stored = await ctx.engine.getGroup(id);
    expect(JSON.parse(stored?.state ?? "{}")).toEqual({ count: writers * perWriter });
  });

  test("delete is conditional on the version and takes the group's committed offsets with it", async () => {
    const id = ctx.topicName("delete");
    const version = await put(ctx.engine, id, "{}", null);
    await ctx.engine.commitOffsets(id, [{ topic: "t", partition: 0, offset: 5, leaderEpoch: -1, metadata: "", commitTimestamp: 1 }]);
    expect(await ctx.engine.deleteGroup(id, "not-a-version")).toBe(false);
    expect(await ctx.engine.getGroup(id)).not.toBeNull();
    expect(await ctx.engine.deleteGroup(id, version)).toBe(true);
    expect(await ctx.engine.getGroup(id)).toBeNull();
    expect(await (await ctx.second()).fetchOffsets(id, null)).toEqual([]);
    expect(await ctx.engine.deleteGroup(id, version)).toBe(false);
    // created again, it never reuses a version it had
    const recreated = await put(ctx.engine, id, "{}", null);
    expect(recreated).not.toBe(version);
  });

  test("lists every group through either instance", async () => {
    const ids = ["a", "b", "c"].map((l) => ctx.topicName(`list-${l}`));
    for (const id of ids) await put(ctx.engine, id, JSON.stringify({ id }), null);
    const listed = await (await ctx.second()).listGroups();
    for (const id of ids) expect(listed.find((g) => g.groupId === id)?.state).toBe(JSON.stringify({ id }));
  });

  test("waitForGroupChange wakes on a write through another instance, and on delete", async () => {
    const id = ctx.topicName("wait");
    const other = await ctx.second();
    const version = await put(ctx.engine, id, "{}", null);
    const woken = timed(ctx.engine.waitForGroupChange(id, version, 10_000));
    await sleep(20);
    const next = await put(other, id, '{"x":1}', version);
    expect(await woken).toBeLessThan(5_000);
    const deleted = timed(ctx.engine.waitForGroupChange(id, next, 10_000));
    await sleep(20);
    expect(await other.deleteGroup(id, next)).toBe(true);
    expect(await deleted).toBeLessThan(5_000);
  });

  test("waitForGroupChange returns at once when the version already differs, and waits for a group to appear", async () => {
    const id = ctx.topicName("wait-stale");
    const version = await put(ctx.engine, id, "{}", null);
    await put(ctx.engine, id, "{}", version);
    expect(await timed(ctx.engine.waitForGroupChange(id, version, 10_000))).toBeLessThan(1_000);
    expect(await timed(ctx.engine.waitForGroupChange(id, null, 10_000))).toBeLessThan(1_000);
    const absent = ctx.topicName("wait-absent");
    const created = timed(ctx.engine.waitForGroupChange(absent, null, 10_000));
    await sleep(20);
    await put(await ctx.second(), absent, "{}", null);
    expect(await created).toBeLessThan(5_000);
  });

  test("waitForGroupChange times out, ignores other groups and ends on abort", async () => {
    const id = ctx.topicName("wait-timeout");
    const version = await put(ctx.engine, id, "{}", null);
    const waiting = timed(ctx.engine.waitForGroupChange(id, version, 300));
    await sleep(20);
    await put(ctx.engine, ctx.topicName("wait-other"), "{}", null);
    expect(await waiting).toBeGreaterThanOrEqual(250);
    const controller = new AbortController();
    const aborted = timed(ctx.engine.waitForGroupChange(id, version, 10_000, controller.signal));
    await sleep(20);
    controller.abort();
    expect(await aborted).toBeLessThan(5_000);
    expect(await timed(ctx.engine.waitForGroupChange(id, version, 10_000, AbortSignal.abort()))).toBeLessThan(1_000);
  });
}
