// abortedTransactions on S3: the index's own aborts, plus those rolled into segments that can
// overlap the range. A reference's lastOffset bounds the markers below it from above and its
// abortedFrom bounds their first offsets from below, so a fetch at the tail opens no segment.

import type { AbortedTransaction } from "../engine.ts";
import { abortedInRange } from "../transaction-state.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { PartitionIndex, SegmentRef } from "./partition-index.ts";

export async function abortedOverlapping(
  index: PartitionIndex,
  fromOffset: number,
  toOffset: number,
  objects: ImmutableObjects,
  /** The partition's key prefix; names in the index are relative to it. */
  prefix: string,
): Promise<AbortedTransaction[]> {
  const found: AbortedTransaction[] = [...index.aborted];
  const search = async (refs: readonly SegmentRef[]): Promise<void> => {
    const overlapping = refs.filter((r) => r.abortedFrom >= 0 && r.abortedFrom <= toOffset && r.lastOffset >= fromOffset);
    await Promise.all(
      overlapping.map(async (ref) => {
        const segment = await objects.segment(prefix + ref.name);
        found.push(...segment.aborted);
        await search(segment.segments);
      }),
    );
  };
  await search(index.segments);
  // A segment the logStartOffset falls inside still holds aborts retention has dropped.
  return abortedInRange(found.filter((a) => a.lastOffset >= index.logStartOffset), fromOffset, toOffset);
}
