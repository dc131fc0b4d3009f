// A partition's committed records from an offset on, as a READ_COMMITTED consumer sees them: below
// the lastStableOffset, without control records and without the records of aborted transactions.

import { decodeBatch } from "../protocol/records/decode.ts";
import type { RecordHeader } from "../protocol/records/record.ts";
import type { AbortedTransaction, Engine } from "../storage/engine.ts";

export interface CommittedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

export type CommittedRead =
  | {
      readonly kind: "records";
      readonly records: CommittedRecord[];
      /** Where the next read starts: past everything read (skipped markers and aborted records too). */
      readonly nextOffset: number;
      /** Stored batch bytes read. */
      readonly bytes: number;
      readonly logStartOffset: number;
      readonly highWatermark: number;
    }
  /** `from` is below the log start: records were deleted before they reached the lake. */
  | { readonly kind: "deleted"; readonly logStartOffset: number }
  | { readonly kind: "failed"; readonly errorCode: number };

const aborted = (list: readonly AbortedTransaction[], producerId: number, offset: number) => list.some((t) => t.producerId === producerId && t.firstOffset <= offset && offset <= t.lastOffset);

/** Reads from `from` until `maxBytes` of batches (at least one batch) or the lastStableOffset. */
export async function readCommitted(engine: Engine, topic: string, partition: number, from: number, maxBytes: number): Promise<CommittedRead> {
  const offsets = await engine.offsets(topic, partition);
  if (offsets.errorCode !== 0) return { kind: "failed", errorCode: offsets.errorCode };
  if (from < offsets.logStartOffset) return { kind: "deleted", logStartOffset: offsets.logStartOffset };
  const stable = offsets.lastStableOffset;
  const records: CommittedRecord[] = [];
  let next = from;
  let bytes = 0;
  while (next < stable && bytes < maxBytes) {
    const read = await engine.read(topic, partition, next, maxBytes - bytes);
    if (read.errorCode !== 0) return read.logStartOffset !== undefined && next < read.logStartOffset ? { kind: "deleted", logStartOffset: read.logStartOffset } : { kind: "failed", errorCode: read.errorCode };
    const batches = read.batches.filter((b) => b.baseOffset < stable);
    if (batches.length === 0) break;
    const last = Math.min(batches.at(-1)!.lastOffset, stable - 1);
    const abortedHere = await engine.abortedTransactions(topic, partition, next, last);
    for (const stored of batches) {
      const { header, records: inBatch } = decodeBatch(stored.bytes, { verifyCrc: false });
      bytes += stored.bytes.length;
      if (header.isControl || (header.isTransactional && aborted(abortedHere, header.producerId, header.baseOffset))) continue;
      for (const r of inBatch) if (r.offset >= next && r.offset < stable) records.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
    }
    next = Math.max(next, Math.min(batches.at(-1)!.lastOffset + 1, stable));
  }
  return { kind: "records", records, nextOffset: next, bytes, logStartOffset: offsets.logStartOffset, highWatermark: offsets.highWatermark };
}
