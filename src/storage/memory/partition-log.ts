// One partition's batches and idempotent-producer state. Methods are synchronous, so an append's
// sequence check and offset assignment happen without interleaving.

import type {
  AbortedTransaction,
  AppendBatch,
  AppendResult,
  CompactionPolicy,
  LogStartResult,
  PartitionOffsets,
  ProducerSnapshot,
  ReadResult,
  RetentionPolicy,
  StoredBatch,
  TimestampQuery,
  TxnMarker,
  TxnMarkerResult,
} from "../engine.ts";
import { withBaseOffset } from "../batch-bytes.ts";
import { controlBatch } from "../control-batch.ts";
import { cleanableEnd, planCompaction } from "../compaction.ts";
import { deleteRecordsTarget, retentionStart } from "../retention.ts";
import { abortedInRange, producerSnapshot } from "../transaction-state.ts";
import {
  afterAppend,
  afterTxnMarker,
  checkProducerBatch,
  checkTxnMarker,
  isIdempotent,
  lastStableOffset,
  type ProducerState,
} from "../producer-state.ts";
import { ErrorCodes } from "../../protocol/errors.ts";

export class PartitionLog {
  private batches: StoredBatch[] = [];
  private readonly producers = new Map<number, ProducerState>();
  private aborted: AbortedTransaction[] = [];
  private logStartOffset = 0;
  private highWatermark = 0;

  append({ bytes, meta }: AppendBatch, now: number): AppendResult {
    const { logStartOffset } = this;
    const state = isIdempotent(meta) ? this.producers.get(meta.producerId) : undefined;
    if (isIdempotent(meta)) {
      const check = checkProducerBatch(state, meta);
      if (check.kind === "error") return { errorCode: check.errorCode, logStartOffset };
      if (check.kind === "duplicate") {
        return { errorCode: 0, baseOffset: check.baseOffset, logAppendTimeMs: now, logStartOffset };
      }
    }
    const baseOffset = this.store(bytes, meta.recordCount, meta.maxTimestamp);
    if (isIdempotent(meta)) this.producers.set(meta.producerId, afterAppend(state, meta, baseOffset));
    return { errorCode: 0, baseOffset, logAppendTimeMs: now, logStartOffset };
  }

  writeTxnMarker(marker: TxnMarker, now: number): TxnMarkerResult {
    const state = this.producers.get(marker.producerId);
    const check = checkTxnMarker(state, marker);
    if (check.kind === "error") return check;
    const offset = check.kind === "append" ? this.store(controlBatch(marker, now).bytes, 1, now) : null;
    const after = afterTxnMarker(state, marker, offset);
    this.producers.set(marker.producerId, after.state);
    if (after.aborted !== null) this.aborted.push({ producerId: marker.producerId, ...after.aborted });
    return { errorCode: 0, offset };
  }

  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    return abortedInRange(this.aborted, fromOffset, toOffset);
  }

  describeProducers(): ProducerSnapshot[] {
    return [...this.producers].map(([producerId, state]) => producerSnapshot(producerId, state));
  }

  deleteRecords(offset: number): LogStartResult {
    const target = deleteRecordsTarget(offset, this.highWatermark);
    if (target === null) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE };
    this.raiseLogStartOffset(target);
    return { errorCode: 0, logStartOffset: this.logStartOffset };
  }

  applyRetention(policy: RetentionPolicy): LogStartResult {
    const summaries = this.batches.map((b) => ({ ...b, sizeBytes: b.bytes.byteLength }));
    this.raiseLogStartOffset(retentionStart(summaries, policy, this.logStartOffset, this.offsets().lastStableOffset));
    return { errorCode: 0, logStartOffset: this.logStartOffset };
  }

  compact(policy: CompactionPolicy): { errorCode: 0; removedRecords: number } {
    const end = cleanableEnd(this.batches, policy, this.offsets().lastStableOffset);
    const range = this.batches.filter((b) => b.lastOffset <= end);
    const plan = planCompaction(range, this.abortedTransactions(this.logStartOffset, end), policy);
    const rewrites = new Map(plan.rewrites.map((r) => [r.baseOffset, r.bytes]));
    this.batches = this.batches.flatMap((b) => {
      const bytes = rewrites.get(b.baseOffset);
      if (bytes === undefined) return [b];
      return bytes === null ? [] : [{ ...b, bytes }];
    });
    return { errorCode: 0, removedRecords: plan.removedRecords };
  }

  retained(): { errorCode: 0; retainedBytes: number; batchCount: number } {
    return { errorCode: 0, retainedBytes: this.batches.reduce((n, b) => n + b.bytes.byteLength, 0), batchCount: this.batches.length };
  }

  /** Batches wholly below the new logStartOffset go; the one it falls inside stays whole. */
  private raiseLogStartOffset(offset: number): void {
    if (offset <= this.logStartOffset) return;
    this.logStartOffset = offset;
    this.batches = this.batches.filter((b) => b.lastOffset >= offset);
    this.aborted = this.aborted.filter((a) => a.lastOffset >= offset);
  }

  offsets(): PartitionOffsets {
    const { logStartOffset, highWatermark } = this;
    return { logStartOffset, highWatermark, lastStableOffset: lastStableOffset(this.producers.values(), highWatermark) };
  }

  private store(bytes: Uint8Array, recordCount: number, maxTimestamp: number): number {
    const baseOffset = this.highWatermark;
    const lastOffset = baseOffset + recordCount - 1;
    this.batches.push({ baseOffset, lastOffset, maxTimestamp, bytes: withBaseOffset(bytes, baseOffset) });
    this.highWatermark = lastOffset + 1;
    return baseOffset;
  }

  read(fetchOffset: number, maxBytes: number): ReadResult {
    const offsets = this.offsets();
    if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) {
      return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
    }
    const batches: StoredBatch[] = [];
    if (fetchOffset === offsets.highWatermark) return { errorCode: 0, batches, ...offsets };
    let total = 0;
    for (let i = this.indexOf(fetchOffset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch === undefined) break;
      // compaction may have removed the batch that held fetchOffset: start at the next one
      if (batch.lastOffset < fetchOffset) continue;
      total += batch.bytes.byteLength;
      if (batches.length > 0 && total > maxBytes) break;
      batches.push(copyOf(batch));
    }
    return { errorCode: 0, batches, ...offsets };
  }

  byTimestamp(query: TimestampQuery): StoredBatch | null {
    let found: StoredBatch | undefined;
    for (const batch of this.batches) {
      if (query.kind === "at-or-after" && batch.maxTimestamp >= query.timestamp) return copyOf(batch);
      if (query.kind === "max-timestamp" && (found === undefined || batch.maxTimestamp > found.maxTimestamp)) {
        found = batch;
      }
    }
    return found === undefined ? null : copyOf(found);
  }

  /** Index of the batch containing `offset` (binary search over base offsets). */
  private indexOf(offset: number): number {
    let low = 0;
    let high = this.batches.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((this.batches[mid]?.baseOffset ?? Infinity) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** The stored bytes themselves, not a copy: readers never write them (Engine.read), and a stored batch is never changed in place (compaction stores new bytes). */
function copyOf(batch: StoredBatch): StoredBatch {
  return { ...batch };
}
