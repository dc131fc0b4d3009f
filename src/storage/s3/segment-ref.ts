// What an index (or a parent segment) keeps about a segment: its offset range, largest timestamp,
// byte and batch counts, the creation-time range of every object in its subtree (itself included)
// and the smallest first offset of the aborted transactions below it.

import { createdAt } from "./keys.ts";
import type { Segment, SegmentRef } from "./partition-index.ts";

/** The reference to `segment`, stored as `name` (relative to the partition); segments are never empty. */
export function describeSegment(name: string, segment: Segment): SegmentRef {
  const own = createdAt(name);
  if (segment.level === 0) {
    const { entries } = segment;
    const times = segment.data.map((d) => createdAt(d.name)).filter(Number.isFinite);
    return {
      name,
      level: 0,
      baseOffset: entries[0]?.baseOffset ?? 0,
      lastOffset: entries.at(-1)?.lastOffset ?? 0,
      maxTimestamp: Math.max(...entries.map((e) => e.maxTimestamp)),
      bytes: entries.reduce((n, e) => n + e.length, 0),
      oldest: Math.min(own, ...times),
      newest: Math.max(own, ...times),
      abortedFrom: smallest(segment.aborted.map((a) => a.firstOffset)),
      batches: entries.length,
    };
  }
  const children = segment.segments;
  return {
    name,
    level: segment.level,
    baseOffset: children[0]?.baseOffset ?? 0,
    lastOffset: children.at(-1)?.lastOffset ?? 0,
    maxTimestamp: Math.max(...children.map((c) => c.maxTimestamp)),
    bytes: children.reduce((n, c) => n + c.bytes, 0),
    oldest: Math.min(own, ...children.map((c) => c.oldest)),
    newest: Math.max(own, ...children.map((c) => c.newest)),
    abortedFrom: smallest(children.map((c) => c.abortedFrom)),
    batches: children.some((c) => c.batches < 0) ? -1 : children.reduce((n, c) => n + c.batches, 0),
  };
}

/** The smallest of `offsets` that is not -1, else -1. */
function smallest(offsets: readonly number[]): number {
  const present = offsets.filter((o) => o >= 0);
  return present.length === 0 ? -1 : Math.min(...present);
}
