// Did a commit whose answer was lost land? Its data object's name is unique, so the commit landed
// exactly when some entry refers to it: in the index, or, if rolled since, in a segment whose
// creation-time range covers the data object's.

import { createdAt } from "./keys.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { DataRef, Entry, PartitionIndex, SegmentRef } from "./partition-index.ts";

/** The entries referring to data object `name` (relative to the partition), or null if none do. */
export async function entriesOf(index: PartitionIndex, name: string, notBefore: number, objects: ImmutableObjects, prefix: string): Promise<Entry[] | null> {
  const live = within(index.entries, index.data, name);
  if (live !== null) return live;
  const time = createdAt(name);
  const search = async (refs: readonly SegmentRef[]): Promise<Entry[] | null> => {
    for (const ref of [...refs].reverse()) {
      if (ref.lastOffset < notBefore || time < ref.oldest || time > ref.newest) continue;
      const segment = await objects.segment(prefix + ref.name);
      const found = segment.level === 0 ? within(segment.entries, segment.data, name) : await search(segment.segments);
      if (found !== null) return found;
    }
    return null;
  };
  return search(index.segments);
}

function within(entries: readonly Entry[], data: readonly DataRef[], name: string): Entry[] | null {
  const n = data.findIndex((d) => d.name === name);
  return n < 0 ? null : entries.filter((e) => e.data === n);
}
