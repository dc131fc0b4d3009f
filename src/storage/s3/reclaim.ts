// Maintenance's part in retention and compaction: once a garbage group of an index is older than
// the grace period (orphanMinAgeMs, far beyond any read of an index from before the drop), every
// object of it and of its segments' subtrees that nothing else needs is deleted, children before
// the segments that list them, so an interrupted pass leaves each subtree's root to find the rest
// by. The group is then removed from the index by an edit (see Maintenance).

import { createdAt } from "./keys.ts";
import type { GarbageGroup } from "./garbage.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { PartitionIndex, SegmentRef } from "./partition-index.ts";
import { referenced, type Window } from "./references.ts";

export interface ReclaimContext {
  objects: ImmutableObjects;
  /** The partition's key prefix; names in the index are relative to it. */
  prefix: string;
  graceMs: number;
  remove: (key: string) => Promise<void>;
}

/** Deletes what the due garbage groups of `index` hold and nothing else needs; returns those groups. */
export async function reclaimGarbage(index: PartitionIndex, now: number, ctx: ReclaimContext): Promise<GarbageGroup[]> {
  const due = index.garbage.filter((g) => now - g.at >= ctx.graceMs);
  if (due.length === 0) return [];
  const young = index.garbage.filter((g) => now - g.at < ctx.graceMs);
  const needed = await referenced(index, ctx.objects, ctx.prefix, windowOf(due), young);
  const doomed = new Set<string>();
  const collect = async (ref: SegmentRef): Promise<void> => {
    // A segment still needed keeps its whole subtree.
    if (needed.has(ref.name)) return;
    const segment = await ctx.objects.segmentIfPresent(ctx.prefix + ref.name);
    if (segment !== null) {
      for (const child of segment.segments) await collect(child);
      for (const d of segment.data) if (!needed.has(d.name)) doomed.add(d.name);
    }
    doomed.add(ref.name);
  };
  for (const g of due) {
    for (const name of g.data) if (!needed.has(name)) doomed.add(name);
    for (const ref of g.segments) await collect(ref);
  }
  for (const name of doomed) await ctx.remove(ctx.prefix + name);
  return due;
}

/** The creation times of everything in `groups`, subtrees included. */
function windowOf(groups: readonly GarbageGroup[]): Window {
  let from = Infinity;
  let to = -Infinity;
  for (const g of groups) {
    for (const t of g.data.map(createdAt).filter(Number.isFinite)) {
      from = Math.min(from, t);
      to = Math.max(to, t + 1);
    }
    for (const s of g.segments) {
      from = Math.min(from, s.oldest);
      to = Math.max(to, s.newest + 1);
    }
  }
  return { from, to };
}
