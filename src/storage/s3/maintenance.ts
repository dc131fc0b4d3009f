// Removes objects nothing refers to: data objects and segments of commits and rolls that never
// landed (a broker died or lost a race), everything under topic ids that no longer have a topic,
// and leftover start-up probes. An object is deleted only when it is older than orphanMinAgeMs
// (far beyond any commit's lifetime, so it can never become referenced) and no index or segment
// refers to it. Each partition remembers how far it has been checked (its horizon) in a small
// object, so a pass lists only objects created since (by the name's time, less one safe age).
// Objects that retention and compaction dropped were referenced when they were checked, so the
// index lists them as garbage instead; they go orphanMinAgeMs after the drop (reclaim.ts).

import type { Topics } from "./topics.ts";
import type { IndexEdit } from "./commit-chain.ts";
import { withoutGarbage } from "./garbage.ts";
import { createdAt, keyBefore, type Keys } from "./keys.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { PartitionIndex } from "./partition-index.ts";
import { reclaimGarbage } from "./reclaim.ts";
import { referenced } from "./references.ts";
import { listAll, type ListedObject, type ObjectStore } from "./store.ts";
import type { VersionedCache } from "./versioned.ts";

export interface MaintenanceParts {
  store: ObjectStore;
  keys: Keys;
  topics: Topics;
  indexes: VersionedCache<PartitionIndex>;
  objects: ImmutableObjects;
  orphanMinAgeMs: number;
  /** Commits an edit to a partition's index through its commit chain. */
  edit: (topicId: string, partition: number, edit: IndexEdit) => Promise<unknown>;
}

export interface MaintenanceReport {
  deleted: string[];
}

const HORIZON = "maintenance.json";

export class Maintenance {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<MaintenanceReport> | null = null;

  constructor(
    private readonly parts: MaintenanceParts,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Runs a pass every intervalMs (jittered so brokers spread out). */
  start(intervalMs: number): void {
    const schedule = () => {
      this.timer = setTimeout(() => {
        this.runOnce().catch(this.onError).finally(schedule);
      }, intervalMs * (0.5 + Math.random()));
      this.timer.unref();
    };
    schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  runOnce(now = Date.now()): Promise<MaintenanceReport> {
    this.running ??= this.pass(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(now: number): Promise<MaintenanceReport> {
    const { store, keys, topics } = this.parts;
    const report: MaintenanceReport = { deleted: [] };
    const old = (o: ListedObject) => now - o.lastModified.getTime() >= this.parts.orphanMinAgeMs;
    const remove = async (key: string) => {
      await store.delete(key);
      report.deleted.push(key);
    };
    const live = await topics.list();
    const liveIds = new Set(live.map((t) => t.topicId));
    for (const topicId of await this.topicIds()) {
      if (liveIds.has(topicId)) continue;
      for await (const o of listAll(store, keys.topicIdPrefix(topicId))) if (old(o)) await remove(o.key);
    }
    for await (const o of listAll(store, `${keys.prefix}.tansu/`)) if (old(o)) await remove(o.key);
    for (const topic of live) {
      for (let p = 0; p < topic.partitionCount; p++) await this.partition(topic.topicId, p, now, old, remove);
    }
    return report;
  }

  private async topicIds(): Promise<string[]> {
    const prefix = this.parts.keys.partitionsPrefix();
    const ids: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.parts.store.list(prefix, continuationToken === undefined ? { delimiter: "/" } : { delimiter: "/", continuationToken });
      ids.push(...page.prefixes.map((p) => p.slice(prefix.length, -1)));
      continuationToken = page.continuationToken ?? undefined;
    } while (continuationToken !== undefined);
    return ids;
  }

  private async partition(topicId: string, partition: number, now: number, old: (o: ListedObject) => boolean, remove: (key: string) => Promise<void>): Promise<void> {
    const { store, keys, objects } = this.parts;
    const prefix = keys.partitionPrefix(topicId, partition);
    const index = (await this.parts.indexes.load(keys.index(topicId, partition))).value;
    const done = await reclaimGarbage(index, now, { objects, prefix, graceMs: this.parts.orphanMinAgeMs, remove });
    if (done.length > 0) await this.parts.edit(topicId, partition, { apply: (base) => withoutGarbage(base, done) ?? "unchanged" });
    // Each pass looks one safe age back past the horizon too, for objects named by a slow clock.
    const horizon = (await this.horizon(prefix + HORIZON)) - this.parts.orphanMinAgeMs;
    const upTo = now - this.parts.orphanMinAgeMs;
    if (upTo <= horizon) return;
    const candidates: ListedObject[] = [];
    for (const sub of ["data/", "segments/"]) {
      for await (const o of listAll(store, prefix + sub, { startAfter: keyBefore(prefix + sub, horizon) })) {
        if (!(createdAt(o.key) < upTo)) break;
        candidates.push(o);
      }
    }
    let reached = upTo;
    if (candidates.length > 0) {
      const needed = await referenced(index, objects, prefix, { from: horizon, to: upTo });
      for (const o of candidates) {
        if (needed.has(o.key.slice(prefix.length))) continue;
        if (old(o)) await remove(o.key);
        else reached = Math.min(reached, createdAt(o.key));
      }
    }
    const body = new TextEncoder().encode(JSON.stringify({ horizon: reached }));
    await store.put(prefix + HORIZON, body, null);
  }

  private async horizon(key: string): Promise<number> {
    const got = await this.parts.store.get(key);
    if (got.kind !== "found") return 0;
    const value = (JSON.parse(new TextDecoder().decode(got.bytes)) as { horizon?: unknown }).horizon;
    return typeof value === "number" ? value : 0;
  }
}
