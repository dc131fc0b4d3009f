// A partition's committed records from an offset on, as a READ_COMMITTED consumer sees them: below
// the lastStableOffset, without control records and without the records of aborted transactions.

import { decodeBatch } from "../protocol/records/decode.ts";
import { type BatchHeader, readBatchHeader } from "../protocol/records/header.ts";
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

/** How much a partition holds past an offset without decoding it: enough to tell whether a flush is due. */
export type CommittedTally =
  | { readonly kind: "tally"; readonly records: number; readonly nextOffset: number; readonly bytes: number; readonly highWatermark: number }
  | { readonly kind: "deleted"; readonly logStartOffset: number }
  | { readonly kind: "failed"; readonly errorCode: number };

const aborted = (list: readonly AbortedTransaction[], producerId: number, offset: number) => list.some((t) => t.producerId === producerId && t.firstOffset <= offset && offset <= t.lastOffset);

type Scanned = { kind: "scanned"; nextOffset: number; bytes: number; logStartOffset: number; highWatermark: number } | { kind: "deleted"; logStartOffset: number } | { kind: "failed"; errorCode: number };

/**
 * Hands each committed data batch (not a marker, not an aborted transaction's) from `from` to
 * `visit`, until `maxBytes` of batches (at least one batch) or the lastStableOffset.
 */
async function scan(engine: Engine, topic: string, partition: number, from: number, maxBytes: number, visit: (batch: Uint8Array, header: BatchHeader, stable: number) => void): Promise<Scanned> {
  const offsets = await engine.offsets(topic, partition);
  if (offsets.errorCode !== 0) return { kind: "failed", errorCode: offsets.errorCode };
  if (from < offsets.logStartOffset) return { kind: "deleted", logStartOffset: offsets.logStartOffset };
  const stable = offsets.lastStableOffset;
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
      bytes += stored.bytes.length;
      const header = readBatchHeader(stored.bytes);
      if (header.isControl || (header.isTransactional && aborted(abortedHere, header.producerId, header.baseOffset))) continue;
      visit(stored.bytes, header, stable);
    }
    next = Math.max(next, Math.min(batches.at(-1)!.lastOffset + 1, stable));
  }
  return { kind: "scanned", nextOffset: next, bytes, logStartOffset: offsets.logStartOffset, highWatermark: offsets.highWatermark };
}

/** Reads from `from` until `maxBytes` of batches (at least one batch) or the lastStableOffset. */
export async function readCommitted(engine: Engine, topic: string, partition: number, from: number, maxBytes: number): Promise<CommittedRead> {
  const records: CommittedRecord[] = [];
  const scanned = await scan(engine, topic, partition, from, maxBytes, (batch, _header, stable) => {
    for (const r of decodeBatch(batch, { verifyCrc: false }).records) if (r.offset >= from && r.offset < stable) records.push(r);
  });
  if (scanned.kind !== "scanned") return scanned;
  return { kind: "records", records, nextOffset: scanned.nextOffset, bytes: scanned.bytes, logStartOffset: scanned.logStartOffset, highWatermark: scanned.highWatermark };
}

/** Counts what `readCommitted` would read, from the batches' headers (a batch straddling `from` counts whole). */
export async function tallyCommitted(engine: Engine, topic: string, partition: number, from: number, maxBytes: number): Promise<CommittedTally> {
  let records = 0;
  const scanned = await scan(engine, topic, partition, from, maxBytes, (_batch, header) => {
    records += header.recordCount;
  });
  return scanned.kind === "scanned" ? { kind: "tally", records, nextOffset: scanned.nextOffset, bytes: scanned.bytes, highWatermark: scanned.highWatermark } : scanned;
}
