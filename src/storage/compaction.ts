// Log compaction (cleanup.policy=compact) decided the same way by every engine. Like Kafka's
// cleaner: within the cleanable range the latest record of each key stays, with its offset; an
// older record of the key goes; a tombstone (null value) that is the latest of its key goes once
// older than delete.retention.ms; records of aborted transactions go (and never count as a key's
// latest). Control batches (markers) stay. Records without a key stay.

import { filterRecords, readBatchHeader, type RecordSpan, recordSpans } from "../protocol/records/index.ts";
import type { AbortedTransaction, CompactionPolicy, StoredBatch } from "./engine.ts";

/** A batch the plan changes: new bytes, or null to remove it entirely. */
export interface BatchRewrite {
  baseOffset: number;
  bytes: Uint8Array | null;
}

export interface CompactionPlan {
  rewrites: BatchRewrite[];
  removedRecords: number;
}

/**
 * The last offset compaction may touch (-1: none): from logStartOffset up to the first batch at or
 * above the lastStableOffset or newer than compactBefore, and never the partition's last batch —
 * what plays the role of Kafka's closed segments (the active segment is never cleaned, so the log
 * never ends in a gap a consumer could wait in). `batches`: all from logStartOffset, in order.
 */
export function cleanableEnd(batches: readonly Pick<StoredBatch, "lastOffset" | "maxTimestamp">[], policy: CompactionPolicy, lastStableOffset: number): number {
  let end = -1;
  for (const b of batches.slice(0, -1)) {
    if (b.lastOffset >= lastStableOffset || b.maxTimestamp >= policy.compactBefore) break;
    end = b.lastOffset;
  }
  return end;
}

const latin1 = new TextDecoder("latin1");

/** latin1 maps each byte to one character: distinct keys, distinct strings. */
function keyOf(records: Uint8Array, r: RecordSpan): string {
  return latin1.decode(records.subarray(r.keyAt, r.keyAt + r.keyLength));
}

function abortedAt(aborted: readonly AbortedTransaction[], producerId: number, offset: number): boolean {
  return aborted.some((a) => a.producerId === producerId && a.firstOffset <= offset && offset < a.lastOffset);
}

/** The rewrites that compact `batches` (the cleanable range, in offset order). */
export function planCompaction(batches: readonly StoredBatch[], aborted: readonly AbortedTransaction[], policy: CompactionPolicy): CompactionPlan {
  const decoded = batches.map((batch) => {
    const header = readBatchHeader(batch.bytes);
    const dropped = header.isTransactional && abortedAt(aborted, header.producerId, batch.baseOffset);
    // control batches are never read: markers stay
    return { batch, dropped, parts: header.isControl ? null : recordSpans(batch.bytes) };
  });
  // newest first: the first record of a key met is its latest
  const seen = new Set<string>();
  const kept = decoded.map(() => [] as boolean[]);
  for (let b = decoded.length - 1; b >= 0; b--) {
    const { dropped, parts } = decoded[b]!;
    if (dropped || parts === null) continue;
    const keep = (kept[b] = new Array<boolean>(parts.spans.length));
    for (let i = parts.spans.length - 1; i >= 0; i--) {
      const r = parts.spans[i]!;
      if (r.keyLength < 0) {
        keep[i] = true;
        continue;
      }
      const key = keyOf(parts.records, r);
      keep[i] = !seen.has(key) && !(r.valueIsNull && r.timestamp < policy.tombstonesBefore);
      seen.add(key);
    }
  }
  const rewrites: BatchRewrite[] = [];
  let removedRecords = 0;
  decoded.forEach(({ batch, parts }, b) => {
    if (parts === null) return;
    const keep = kept[b]!;
    const bytes = filterRecords(batch.bytes, (_, i) => keep[i] === true, parts);
    if (bytes === batch.bytes) return;
    removedRecords += parts.spans.length - (bytes === null ? 0 : readBatchHeader(bytes).recordCount);
    rewrites.push({ baseOffset: batch.baseOffset, bytes });
  });
  return { rewrites, removedRecords };
}
