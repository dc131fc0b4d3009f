// Group state and committed offsets on the SQL engines, through two instances over one store
// (as two brokers would open it): compare-and-swap, versions that never repeat, waits woken by
// the other instance, and offsets removed with their group or topic.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommittedOffset, Engine } from "../../src/storage/engine.ts";
import { openPostgresEngine } from "../../src/storage/postgres/index.ts";
import { openSqliteEngine } from "../../src/storage/sqlite/index.ts";
import { freshDatabase } from "../support/postgres.ts";

interface Pair {
  a: Engine;
  b: Engine;
  cleanup(): Promise<void>;
}

async function sqlitePair(): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-groups-"));
  const url = new URL(`sqlite://${join(dir, "g.db")}`);
  const [a, b] = [await openSqliteEngine(url), await openSqliteEngine(url)];
  return { a, b, cleanup: async () => (await Promise.all([a.close(), b.close()]), rmSync(dir, { recursive: true, force: true })) };
}

async function postgresPair(): Promise<Pair> {
  const database = await freshDatabase("groups");
  const [a, b] = [await openPostgresEngine(database.url, { maxConnections: 2 }), await openPostgresEngine(database.url, { maxConnections: 2 })];
  return { a, b, cleanup: async () => (await Promise.all([a.close(), b.close()]), await database.drop()) };
}

const offset = (topic: string, partition: number, o: number): CommittedOffset => ({ topic, partition, offset: o, leaderEpoch: -1, metadata: null, commitTimestamp: 1_700_000_000_000 + o });

for (const [kind, open] of [["sqlite", sqlitePair], ["postgres", postgresPair]] as const) {
  describe(`groups on ${kind}`, () => {
    let pair: Pair;
    beforeEach(async () => {
      pair = await open();
    });
    afterEach(async () => {
      await pair.cleanup();
    });

    test("compare-and-swap: create once, update from the current version only, lost races carry what is stored", async () => {
      const { a, b } = pair;
      const created = await a.putGroup("g", '{"n":1}', null);
      if (!created.ok) throw new Error("create failed");
      expect(await b.putGroup("g", '{"n":9}', null)).toEqual({ ok: false, current: { groupId: "g", version: created.version, state: '{"n":1}' } });
      const updated = await b.putGroup("g", '{"n":2}', created.version);
      if (!updated.ok) throw new Error("update failed");
      expect(updated.version).not.toBe(created.version);
      const lost = await a.putGroup("g", '{"n":3}', created.version);
      expect(lost).toEqual({ ok: false, current: { groupId: "g", version: updated.version, state: '{"n":2}' } });
      expect(await a.getGroup("g")).toEqual({ groupId: "g", version: updated.version, state: '{"n":2}' });
      expect((await b.listGroups()).map((g) => g.groupId)).toEqual(["g"]);
      expect(await a.getGroup("missing")).toBeNull();
      expect(await a.putGroup("missing", "{}", updated.version)).toEqual({ ok: false, current: null });
    });

    test("deleting needs the current version, takes the offsets along, and versions never repeat", async () => {
      const { a, b } = pair;
      const first = await a.putGroup("g", "{}", null);
      if (!first.ok) throw new Error("create failed");
      await a.commitOffsets("g", [offset("t", 0, 5)]);
      expect(await b.deleteGroup("g", "999999")).toBe(false);
      expect(await b.deleteGroup("g", first.version)).toBe(true);
      expect(await a.getGroup("g")).toBeNull();
      expect(await a.fetchOffsets("g", null)).toEqual([]);
      const again = await b.putGroup("g", "{}", null);
      expect(again.ok && again.version !== first.version).toBe(true);
    });

    test("committed offsets: replace per partition, fetch all or some, delete some", async () => {
      const { a, b } = pair;
      await a.commitOffsets("g", [offset("t", 0, 1), offset("t", 1, 2), offset("u", 0, 3)]);
      await b.commitOffsets("g", [offset("t", 0, 10), offset("t", 0, 11)]);
      expect(await a.fetchOffsets("g", [{ topic: "u", partition: 0 }, { topic: "t", partition: 0 }, { topic: "t", partition: 7 }])).toEqual([
        offset("u", 0, 3),
        offset("t", 0, 11),
      ]);
      await b.deleteOffsets("g", [{ topic: "t", partition: 1 }, { topic: "x", partition: 0 }]);
      const all = await a.fetchOffsets("g", null);
      expect([...all].sort((x, y) => x.topic.localeCompare(y.topic))).toEqual([offset("t", 0, 11), offset("u", 0, 3)]);
      expect(await a.fetchOffsets("other", null)).toEqual([]);
    });

    test("deleting a topic deletes every group's offsets of it", async () => {
      const { a, b } = pair;
      await a.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
      await a.commitOffsets("g1", [offset("t", 0, 1), offset("keep", 0, 2)]);
      await a.commitOffsets("g2", [offset("t", 0, 3)]);
      expect(await b.deleteTopic("t")).toBe(true);
      expect(await a.fetchOffsets("g1", null)).toEqual([offset("keep", 0, 2)]);
      expect(await a.fetchOffsets("g2", null)).toEqual([]);
    });

    test("waitForGroupChange returns at once when stale, and wakes on a write through the other instance", async () => {
      const { a, b } = pair;
      const created = await a.putGroup("g", "{}", null);
      if (!created.ok) throw new Error("create failed");
      let t0 = performance.now();
      await a.waitForGroupChange("g", null, 10_000);
      expect(performance.now() - t0).toBeLessThan(1_000);
      t0 = performance.now();
      const waiting = a.waitForGroupChange("g", created.version, 10_000);
      await Bun.sleep(30);
      await b.putGroup("g", '{"x":1}', created.version);
      await waiting;
      expect(performance.now() - t0).toBeLessThan(3_000);
      t0 = performance.now();
      await a.waitForGroupChange("absent", null, 150);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
      const controller = new AbortController();
      const aborted = a.waitForGroupChange("absent", null, 10_000, controller.signal);
      controller.abort();
      await aborted;
    });
  });
}
