// Did a commit whose answer was lost land? Its data object's name is unique, so the commit landed
// exactly when some entry refers to it: in the index, or, if rolled since, in a segment whose
// creation-time range covers the data object's (or both, when a roll split its entries).

import { createdAt } from "./keys.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { DataRef, Entry, PartitionIndex, SegmentRef } from "./partition-index.ts";

/**
 * The entries referring to data object `name` (relative to the partition), or null if none do. A
 * roll moves entries by count, so one data object's entries may be split between a segment and
 * the index: every place they may be is searched.
 */
export async function entriesOf(index: PartitionIndex, name: string, notBefore: number, objects: ImmutableObjects, prefix: string): Promise<Entry[] | null> {
  const found: Entry[] = [];
  const time = createdAt(name);
  const search = async (refs: readonly SegmentRef[]): Promise<void> => {
    for (const ref of refs) {
      if (ref.lastOffset < notBefore || time < ref.oldest || time > ref.newest) continue;
      const segment = await objects.segment(prefix + ref.name);
      if (segment.level === 0) found.push(...(within(segment.entries, segment.data, name) ?? []));
      else await search(segment.segments);
    }
  };
  await search(index.segments);
  found.push(...(within(index.entries, index.data, name) ?? []));
  return found.length === 0 ? null : found;
}

function within(entries: readonly Entry[], data: readonly DataRef[], name: string): Entry[] | null {
  const n = data.findIndex((d) => d.name === name);
  return n < 0 ? null : entries.filter((e) => e.data === n);
}
