// Objects an index edit stopped referring to (retention, DeleteRecords, compaction) are listed in
// the index, in the same compare-and-swap as the edit, so none can leak when a broker dies. A
// dropped segment stands for its whole subtree; a dropped name may still be referred to from
// elsewhere (a data object whose batches a roll split, a segment a compacted parent still holds),
// which maintenance checks before deleting anything.

import type { PartitionIndex, SegmentRef } from "./partition-index.ts";

export interface GarbageGroup {
  /** When the edit that dropped these was planned (ms). */
  at: number;
  /** Data objects, relative to the partition's prefix. */
  data: string[];
  /** Segments, each with its subtree. */
  segments: SegmentRef[];
}

/**
 * The most names an index lists; beyond, the oldest groups are forgotten (and their objects left
 * in the bucket). Only reached when no broker runs maintenance.
 */
export const GARBAGE_MAX_NAMES = 2_000;

/** What `before` refers to directly that `after` does not, dropped at `at`; null if nothing. */
export function droppedBetween(before: PartitionIndex, after: Pick<PartitionIndex, "data" | "segments">, at: number): GarbageGroup | null {
  const data = new Set(after.data.map((d) => d.name));
  const segments = new Set(after.segments.map((s) => s.name));
  const group: GarbageGroup = { at, data: before.data.filter((d) => !data.has(d.name)).map((d) => d.name), segments: before.segments.filter((s) => !segments.has(s.name)) };
  return group.data.length + group.segments.length === 0 ? null : group;
}

/** `groups` with `group` added, within GARBAGE_MAX_NAMES. */
export function withGarbage(groups: readonly GarbageGroup[], group: GarbageGroup | null): GarbageGroup[] {
  if (group === null) return [...groups];
  const out = [...groups, group];
  let names = out.reduce((n, g) => n + size(g), 0);
  while (out.length > 1 && names > GARBAGE_MAX_NAMES) names -= size(out.shift() ?? group);
  return out;
}

const size = (g: GarbageGroup) => g.data.length + g.segments.length;

/** Identifies a group across reads of the index (no name is ever dropped twice). */
export function groupKey(g: GarbageGroup): string {
  return `${g.at}/${g.data[0] ?? g.segments[0]?.name ?? ""}`;
}

/** `index` without the groups of `done`, or null when it holds none of them. */
export function withoutGarbage(index: PartitionIndex, done: readonly GarbageGroup[]): PartitionIndex | null {
  const keys = new Set(done.map(groupKey));
  const garbage = index.garbage.filter((g) => !keys.has(groupKey(g)));
  return garbage.length === index.garbage.length || index.deleted ? null : { ...index, garbage };
}
