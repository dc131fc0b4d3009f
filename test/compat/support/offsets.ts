// What ListOffsets must answer, worked out from a verified partition log.

import type { ConsumedRecord } from "./records.ts";

export interface PartitionOffsets {
  earliest: number;
  latest: number;
}

export function expectedEnds(consumed: readonly ConsumedRecord[], partitions: number): PartitionOffsets[] {
  const ends: PartitionOffsets[] = [];
  for (let p = 0; p < partitions; p++) ends.push({ earliest: 0, latest: consumed.filter((c) => c.partition === p).length });
  return ends;
}

/** Kafka's answer to ListOffsets by timestamp: the first offset whose timestamp is ≥ ts, else -1. */
export function offsetForTime(consumed: readonly ConsumedRecord[], partition: number, ts: number): number {
  let best = -1;
  for (const c of consumed) {
    if (c.partition === partition && c.timestamp >= ts && (best === -1 || c.offset < best)) best = c.offset;
  }
  return best;
}

/** Timestamps worth asking about: the oldest, a few in between, the newest and one past it. */
export function probeTimestamps(consumed: readonly ConsumedRecord[]): number[] {
  const sorted = [...new Set(consumed.map((c) => c.timestamp))].sort((a, b) => a - b);
  if (sorted.length === 0) return [0];
  const pick = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * f))]!;
  return [...new Set([sorted[0]! - 1, sorted[0]!, pick(0.25), pick(0.5) + 1, pick(0.9), sorted[sorted.length - 1]!, sorted[sorted.length - 1]! + 1])];
}
