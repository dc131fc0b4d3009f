// Keeping the index bounded: its oldest entries are rolled into an immutable level-0 segment, and
// when one level holds too many segment references, the oldest of them into one segment of the
// next level (a tree, so the index stays logarithmic in the log's length). A roll is written as a
// segment object first, then applied by the same compare-and-swap chain as appends; applied to an
// index that no longer starts with exactly what was rolled (another broker rolled first, retention
// or compaction changed it) it does nothing.
// Aborted transactions travel with their ABORT marker's entry, and every reference carries the
// smallest firstOffset of the aborts below it, so abortedTransactions opens only segments that can
// hold an abort overlapping what it is asked about.

import { sameEntry, withOwnData, type Entry, type PartitionIndex, type Segment, type SegmentRef } from "./partition-index.ts";
import { describeSegment } from "./segment-ref.ts";

export interface Roll {
  segment: Segment;
  ref: SegmentRef;
  /** What the roll replaces: a count of leading entries, or a run of segment references. */
  replaces: { kind: "entries"; count: number } | { kind: "segments"; first: number; count: number };
}

export interface RollLimits {
  indexMaxEntries: number;
  indexKeepEntries: number;
  segmentFanout: number;
}

/** The roll an index needs, with the new segment named `name` (relative to the partition), or null. */
export function chooseRoll(index: PartitionIndex, limits: RollLimits, name: string): Roll | null {
  if (index.entries.length > limits.indexMaxEntries) {
    const count = index.entries.length - limits.indexKeepEntries;
    const { entries, data } = withOwnData(index.entries.slice(0, count), index.data);
    const last = entries.at(-1);
    if (last === undefined) return null;
    const aborted = index.aborted.filter((a) => a.lastOffset <= last.lastOffset);
    const segment: Segment = { level: 0, data, entries, segments: [], aborted };
    return { segment, ref: describeSegment(name, segment), replaces: { kind: "entries", count } };
  }
  for (let level = 0; ; level++) {
    const first = index.segments.findIndex((s) => s.level === level);
    if (first < 0) {
      if (index.segments.every((s) => s.level < level)) return null;
      continue;
    }
    let count = 0;
    while (index.segments[first + count]?.level === level) count++;
    if (count <= limits.segmentFanout) continue;
    const children = index.segments.slice(first, first + limits.segmentFanout);
    const segment: Segment = { level: level + 1, data: [], entries: [], segments: children, aborted: [] };
    return { segment, ref: describeSegment(name, segment), replaces: { kind: "segments", first, count: limits.segmentFanout } };
  }
}

/** `base` with the roll applied, or null when `base` no longer holds what the roll replaces. */
export function applyRoll(base: PartitionIndex, roll: Roll): PartitionIndex | null {
  const { ref, segment, replaces } = roll;
  if (base.deleted) return null;
  if (replaces.kind === "entries") {
    // Entry by entry: compaction may have changed or removed some since the roll was chosen.
    const rolled = base.entries.slice(0, replaces.count);
    const same = (e: Entry, i: number) => {
      const s = segment.entries[i];
      return s !== undefined && sameEntry(e, base.data, s, segment.data);
    };
    if (rolled.length !== segment.entries.length || !rolled.every(same)) return null;
    const kept = withOwnData(base.entries.slice(replaces.count), base.data);
    // Aborts whose marker was rolled are the segment's now (they were in `base` since the marker was).
    const aborted = base.aborted.filter((a) => a.lastOffset > ref.lastOffset);
    return { ...base, segments: [...base.segments, ref], entries: kept.entries, data: kept.data, aborted };
  }
  const at = base.segments.findIndex((s) => s.name === segment.segments[0]?.name);
  if (at < 0 || !segment.segments.every((child, i) => base.segments[at + i]?.name === child.name)) return null;
  return { ...base, segments: [...base.segments.slice(0, at), ref, ...base.segments.slice(at + replaces.count)] };
}
