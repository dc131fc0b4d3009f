// Keeping the index bounded: its oldest entries are rolled into an immutable level-0 segment, and
// when one level holds too many segment references, the oldest of them into one segment of the
// next level (a tree, so the index stays logarithmic in the log's length). A roll is written as a
// segment object first, then applied by the same compare-and-swap chain as appends; applied to an
// index that no longer starts with what was rolled (another broker rolled first) it does nothing.
// Aborted transactions travel with their ABORT marker's entry, and every reference carries the
// smallest firstOffset of the aborts below it, so abortedTransactions opens only segments that can
// hold an abort overlapping what it is asked about.

import { createdAt } from "./keys.ts";
import { withOwnData, type PartitionIndex, type Segment, type SegmentRef } from "./partition-index.ts";

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
    const times = data.map((d) => createdAt(d.name)).filter(Number.isFinite);
    const first = entries[0];
    const last = entries.at(-1);
    if (first === undefined || last === undefined) return null;
    const aborted = index.aborted.filter((a) => a.lastOffset <= last.lastOffset);
    const segment: Segment = { level: 0, data, entries, segments: [], aborted };
    return {
      segment,
      ref: {
        name,
        level: 0,
        baseOffset: first.baseOffset,
        lastOffset: last.lastOffset,
        maxTimestamp: Math.max(...entries.map((e) => e.maxTimestamp)),
        bytes: entries.reduce((n, e) => n + e.length, 0),
        oldest: Math.min(createdAt(name), ...times),
        newest: Math.max(createdAt(name), ...times),
        abortedFrom: smallest(aborted.map((a) => a.firstOffset)),
      },
      replaces: { kind: "entries", count },
    };
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
    return {
      segment,
      ref: {
        name,
        level: level + 1,
        baseOffset: children[0]?.baseOffset ?? 0,
        lastOffset: children.at(-1)?.lastOffset ?? 0,
        maxTimestamp: Math.max(...children.map((c) => c.maxTimestamp)),
        bytes: children.reduce((n, c) => n + c.bytes, 0),
        oldest: Math.min(createdAt(name), ...children.map((c) => c.oldest)),
        newest: Math.max(createdAt(name), ...children.map((c) => c.newest)),
        abortedFrom: smallest(children.map((c) => c.abortedFrom)),
      },
      replaces: { kind: "segments", first, count: limits.segmentFanout },
    };
  }
}

/** `base` with the roll applied, or null when `base` no longer holds what the roll replaces. */
export function applyRoll(base: PartitionIndex, roll: Roll): PartitionIndex | null {
  const { ref, segment, replaces } = roll;
  if (base.deleted) return null;
  if (replaces.kind === "entries") {
    const first = base.entries[0];
    const last = base.entries[replaces.count - 1];
    if (first?.baseOffset !== ref.baseOffset || last?.lastOffset !== ref.lastOffset) return null;
    const kept = withOwnData(base.entries.slice(replaces.count), base.data);
    // Aborts whose marker was rolled are the segment's now (they were in `base` since the marker was).
    const aborted = base.aborted.filter((a) => a.lastOffset > ref.lastOffset);
    return { ...base, segments: [...base.segments, ref], entries: kept.entries, data: kept.data, aborted };
  }
  const at = base.segments.findIndex((s) => s.name === segment.segments[0]?.name);
  if (at < 0 || !segment.segments.every((child, i) => base.segments[at + i]?.name === child.name)) return null;
  return { ...base, segments: [...base.segments.slice(0, at), ref, ...base.segments.slice(at + replaces.count)] };
}

/** The smallest of `offsets` that is not -1, else -1. */
function smallest(offsets: readonly number[]): number {
  const present = offsets.filter((o) => o >= 0);
  return present.length === 0 ? -1 : Math.min(...present);
}
