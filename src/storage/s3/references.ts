// Which objects of a partition are still needed: those its index refers to, directly or through
// its segments, and those listed as garbage not yet reclaimed (readers of an older index may still
// be reading them). Only segments whose creation-time range overlaps the window asked about are
// opened, since an object's name carries its creation time.

import type { GarbageGroup } from "./garbage.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { PartitionIndex, SegmentRef } from "./partition-index.ts";

export interface Window {
  from: number;
  to: number;
}

/**
 * Names (relative to the partition) created within [from, to) that `index` needs, with those of
 * `garbage` (by default the index's own list) counted as needed too; some outside it as well.
 */
export async function referenced(index: PartitionIndex, objects: ImmutableObjects, prefix: string, { from, to }: Window, garbage: readonly GarbageGroup[] = index.garbage): Promise<Set<string>> {
  const names = new Set(index.data.map((d) => d.name));
  for (const g of garbage) for (const name of g.data) names.add(name);
  const visit = async (refs: readonly SegmentRef[], mayBeGone: boolean): Promise<void> => {
    for (const ref of refs) {
      names.add(ref.name);
      if (ref.newest < from || ref.oldest >= to) continue;
      const segment = mayBeGone ? await objects.segmentIfPresent(prefix + ref.name) : await objects.segment(prefix + ref.name);
      if (segment === null) continue;
      for (const d of segment.data) names.add(d.name);
      await visit(segment.segments, mayBeGone);
    }
  };
  await visit(index.segments, false);
  // Garbage segments whose group was reclaimed but not yet removed from the index may be gone.
  for (const g of garbage) await visit(g.segments, true);
  return names;
}
