// Swapping compacted batches into a partition's index. Segments are immutable, so every segment on
// the way down to a changed entry is written anew (unchanged children keep their names), and the
// index's reference to the old subtree is replaced by one edit through the commit chain. The edit
// matches by identity (reference names; entries by offset, data object and position), so applied to
// an index that changed meanwhile it keeps what others did: appends stay, what retention dropped
// stays dropped; if something it rewrites is now elsewhere (a roll, another compaction) it is
// stale and compaction plans again.

import type { IndexEdit } from "./commit-chain.ts";
import { droppedBetween, withGarbage } from "./garbage.ts";
import { newSegmentName } from "./keys.ts";
import type { ImmutableObjects } from "./objects.ts";
import { sameEntry, withOwnData, type DataRef, type Entry, type PartitionIndex, type Segment, type SegmentRef } from "./partition-index.ts";
import type { Located } from "./partition-reader.ts";
import { describeSegment } from "./segment-ref.ts";

/** A batch compaction changes: `next` is its rewritten copy, null when it goes entirely. */
export interface EntryChange {
  old: Located;
  next: Located | null;
}

export interface TreeRewrite {
  /** New segments, written before the edit (names relative to the partition). */
  segments: { name: string; segment: Segment }[];
  /** Per reference of the index whose subtree changes: what takes its place (null: nothing). */
  refs: Map<string, { old: SegmentRef; next: SegmentRef | null }>;
}

/** The segments `changes` (keyed by baseOffset) rewrite in `index`. */
export async function rewriteTree(index: PartitionIndex, changes: ReadonlyMap<number, EntryChange>, objects: ImmutableObjects, prefix: string): Promise<TreeRewrite> {
  const offsets = [...changes.keys()].sort((a, b) => a - b);
  const holdsChange = (ref: SegmentRef) => {
    const at = offsets.findIndex((o) => o >= ref.baseOffset);
    return at >= 0 && (offsets[at] ?? Infinity) <= ref.lastOffset;
  };
  const out: TreeRewrite = { segments: [], refs: new Map() };
  const rewrite = async (ref: SegmentRef): Promise<SegmentRef | null> => {
    const segment = await objects.segment(prefix + ref.name);
    let next: Segment | null;
    if (segment.level === 0) {
      const { entries, data } = changedEntries(segment.entries, segment.data, changes);
      next = entries.length === 0 ? null : { ...segment, entries, data };
    } else {
      const children: SegmentRef[] = [];
      for (const child of segment.segments) {
        const kept = holdsChange(child) ? await rewrite(child) : child;
        if (kept !== null) children.push(kept);
      }
      next = children.length === 0 ? null : { ...segment, segments: children };
    }
    if (next === null) return null;
    const name = newSegmentName();
    out.segments.push({ name, segment: next });
    return describeSegment(name, next);
  };
  for (const ref of index.segments) if (holdsChange(ref)) out.refs.set(ref.name, { old: ref, next: await rewrite(ref) });
  return out;
}

/** `entries` (numbered into `data`) with `changes` made where they hold the very batch planned on. */
export function changedEntries(entries: readonly Entry[], data: readonly DataRef[], changes: ReadonlyMap<number, EntryChange>): { entries: Entry[]; data: DataRef[]; applied: Set<number> } {
  const all = [...data];
  const out: Entry[] = [];
  const applied = new Set<number>();
  for (const e of entries) {
    const change = changes.get(e.baseOffset);
    if (change === undefined || !sameEntry(e, data, { ...change.old.entry, data: 0 }, [change.old.data])) {
      out.push(e);
      continue;
    }
    applied.add(e.baseOffset);
    if (change.next === null) continue;
    let n = all.findIndex((d) => d.name === change.next?.data.name);
    if (n < 0) n = all.push(change.next.data) - 1;
    out.push({ ...change.next.entry, data: n });
  }
  return { ...withOwnData(out, all), applied };
}

/** The edit that swaps `tree` and the changes of the index's own entries into whatever index is current. */
export function compactionEdit(planned: PartitionIndex, changes: ReadonlyMap<number, EntryChange>, tree: TreeRewrite, newNames: ReadonlySet<string>): IndexEdit {
  const own = new Map([...changes].filter(([offset]) => planned.entries.some((e) => e.baseOffset === offset)));
  return {
    apply(base, now) {
      if (base.deleted) return "unchanged";
      const live = (lastOffset: number) => lastOffset >= base.logStartOffset;
      const names = new Set(base.segments.map((s) => s.name));
      for (const [name, { old }] of tree.refs) if (!names.has(name) && live(old.lastOffset)) return "stale";
      const changed = changedEntries(base.entries, base.data, own);
      for (const [offset, { old }] of own) if (!changed.applied.has(offset) && live(old.entry.lastOffset)) return "stale";
      if (changed.applied.size === 0 && !base.segments.some((s) => tree.refs.has(s.name))) return "unchanged";
      const segments = base.segments.flatMap((s) => {
        const r = tree.refs.get(s.name);
        return r === undefined ? [s] : r.next === null ? [] : [r.next];
      });
      const after = { segments: segments.filter((s) => live(s.lastOffset)), data: changed.data };
      return { ...base, ...after, entries: changed.entries, garbage: withGarbage(base.garbage, droppedBetween(base, after, now)) };
    },
    landed: (index) => index.data.some((d) => newNames.has(d.name)) || index.segments.some((s) => newNames.has(s.name)),
  };
}
