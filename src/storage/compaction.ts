// Log compaction (cleanup.policy=compact) decided the same way by every engine. Like Kafka's
// cleaner: within the cleanable range the latest record of each key stays, with its offset; an
// older record of the key goes; a tombstone (null value) that is the latest of its key goes once
// older than delete.retention.ms; records of aborted transactions go (and never count as a key's
// latest). Control batches (markers) stay. Records without a key stay.

import { decodeBatch, filterRecords, readBatchHeader } from "../protocol/records/index.ts";
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

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function abortedAt(aborted: readonly AbortedTransaction[], producerId: number, offset: number): boolean {
  return aborted.some((a) => a.producerId === producerId && a.firstOffset <= offset && offset < a.lastOffset);
}

/** The rewrites that compact `batches` (the cleanable range, in offset order). */
export function planCompaction(batches: readonly StoredBatch[], aborted: readonly AbortedTransaction[], policy: CompactionPolicy): CompactionPlan {
  const decoded = batches.map((b) => ({ batch: b, header: readBatchHeader(b.bytes) }));
  const latest = new Map<string, number>();
  const isAborted = (h: (typeof decoded)[number]["header"], baseOffset: number) => h.isTransactional && abortedAt(aborted, h.producerId, baseOffset);
  for (const { batch, header } of decoded) {
    if (header.isControl || isAborted(header, batch.baseOffset)) continue;
    for (const r of decodeBatch(batch.bytes, { verifyCrc: false }).records) if (r.key !== null) latest.set(keyOf(r.key), r.offset);
  }
  const rewrites: BatchRewrite[] = [];
  let removedRecords = 0;
  for (const { batch, header } of decoded) {
    if (header.isControl) continue;
    const aborted = isAborted(header, batch.baseOffset);
    const bytes = filterRecords(batch.bytes, (r) => {
      if (aborted) return false;
      if (r.key === null) return true;
      if (latest.get(keyOf(r.key)) !== r.offset) return false;
      return !(r.value === null && r.timestamp < policy.tombstonesBefore);
    });
    if (bytes === batch.bytes) continue;
    removedRecords += header.recordCount - (bytes === null ? 0 : readBatchHeader(bytes).recordCount);
    rewrites.push({ baseOffset: batch.baseOffset, bytes });
  }
  return { rewrites, removedRecords };
}
