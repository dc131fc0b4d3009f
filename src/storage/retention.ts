// Where time and size retention put a partition's logStartOffset, from the batches' facts. Shared
// by every engine so that all of them delete exactly the same batches.

import type { RetentionPolicy } from "./engine.ts";

export interface BatchSummary {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  sizeBytes: number;
}

/**
 * The new logStartOffset: past every batch, from the oldest, that has expired or that the size
 * budget lets go, stopping at the first one kept and at the lastStableOffset. `batches` are those
 * at or above the current logStartOffset, in offset order.
 */
export function retentionStart(batches: readonly BatchSummary[], policy: RetentionPolicy, logStartOffset: number, lastStableOffset: number): number {
  let remaining = 0;
  for (const b of batches) remaining += b.sizeBytes;
  let start = logStartOffset;
  for (const b of batches) {
    if (b.lastOffset >= lastStableOffset) break;
    const expired = policy.expireBefore !== null && b.maxTimestamp < policy.expireBefore;
    const oversize = policy.retainBytes !== null && remaining - b.sizeBytes >= policy.retainBytes;
    if (!expired && !oversize) break;
    remaining -= b.sizeBytes;
    start = b.lastOffset + 1;
  }
  return start;
}

/** DeleteRecords' target: -1 is the high watermark; null when out of range (OFFSET_OUT_OF_RANGE). */
export function deleteRecordsTarget(offset: number, highWatermark: number): number | null {
  if (offset === -1) return highWatermark;
  return offset < 0 || offset > highWatermark ? null : offset;
}
