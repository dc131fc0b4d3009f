// Raising a partition's logStartOffset (DeleteRecords, retention) as an index edit. It only ever
// rises: applied to an index that another broker already raised further, it does nothing.
// Entries and segment references wholly below it leave the index (the batch or segment it falls
// inside stays whole); so do aborted transactions whose marker is below it. Whatever the index no
// longer refers to is listed as garbage in the same write.

import type { IndexEdit } from "./commit-chain.ts";
import { droppedBetween, withGarbage } from "./garbage.ts";
import { withOwnData, type PartitionIndex } from "./partition-index.ts";

/** `index` with logStartOffset `start`, or null when it is already there (or the topic is gone). */
export function raiseLogStart(index: PartitionIndex, start: number, now: number): PartitionIndex | null {
  if (index.deleted || start <= index.logStartOffset) return null;
  const segments = index.segments.filter((s) => s.lastOffset >= start);
  const kept = withOwnData(index.entries.filter((e) => e.lastOffset >= start), index.data);
  const after = { segments, data: kept.data };
  return {
    ...index,
    logStartOffset: start,
    segments,
    entries: kept.entries,
    data: kept.data,
    aborted: index.aborted.filter((a) => a.lastOffset >= start),
    garbage: withGarbage(index.garbage, droppedBetween(index, after, now)),
  };
}

export function raiseLogStartEdit(start: number): IndexEdit {
  return { apply: (base, now) => raiseLogStart(base, start, now) ?? "unchanged" };
}
