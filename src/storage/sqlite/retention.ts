// DeleteRecords, time/size retention and compaction of one partition. Each runs inside one write
// transaction (BEGIN IMMEDIATE), so readers in any process see the partition before or after.

import type { CompactionPolicy, LogStartResult, RetainedResult, RetentionPolicy } from "../engine.ts";
import { cleanableEnd, planCompaction } from "../compaction.ts";
import { deleteRecordsTarget, retentionStart, type BatchSummary } from "../retention.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { readBatchHeader } from "../../protocol/records/index.ts";
import { abortedTransactions } from "./markers.ts";
import { partitionOffsets } from "./records.ts";
import type { BatchRow, Statements } from "./statements.ts";

const unknown = { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } as const;

interface SummaryRow {
  base_offset: number;
  last_offset: number;
  max_timestamp: number;
  size_bytes: number;
}

export function deleteRecords(s: Statements, topic: string, partition: number, offset: number): LogStartResult {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const target = deleteRecordsTarget(offset, found.offsets.highWatermark);
  if (target === null) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE };
  return { errorCode: 0, logStartOffset: raiseLogStartOffset(s, found.topicId, partition, target) };
}

export function applyRetention(s: Statements, topic: string, partition: number, policy: RetentionPolicy): LogStartResult {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const { logStartOffset, lastStableOffset } = found.offsets;
  const batches = summaries(s, found.topicId, partition, logStartOffset);
  const start = retentionStart(batches, policy, logStartOffset, lastStableOffset);
  return { errorCode: 0, logStartOffset: raiseLogStartOffset(s, found.topicId, partition, start) };
}

export interface PlannedCompaction {
  topicId: number;
  rewrites: { baseOffset: number; bytes: Uint8Array | null; readLength: number; removedRecords: number }[];
}

/** Plans from one read snapshot, outside the write lock, so that appends go on meanwhile. */
export function planCompactionOf(s: Statements, topic: string, partition: number, policy: CompactionPolicy): PlannedCompaction | typeof unknown {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const { logStartOffset, lastStableOffset } = found.offsets;
  const end = cleanableEnd(summaries(s, found.topicId, partition, logStartOffset), policy, lastStableOffset);
  if (end < 0) return { topicId: found.topicId, rewrites: [] };
  const range = s.all<BatchRow>("batches-through", found.topicId, partition, logStartOffset, end);
  const batches = range.map((r) => ({ baseOffset: r.base_offset, lastOffset: r.last_offset, maxTimestamp: r.max_timestamp, bytes: r.bytes }));
  const read = new Map(batches.map((b) => [b.baseOffset, b.bytes]));
  const plan = planCompaction(batches, abortedTransactions(s, topic, partition, logStartOffset, end), policy);
  const rewrites = plan.rewrites.map(({ baseOffset, bytes }) => {
    const before = read.get(baseOffset) ?? new Uint8Array(0);
    const removedRecords = readBatchHeader(before).recordCount - (bytes === null ? 0 : readBatchHeader(bytes).recordCount);
    return { baseOffset, bytes, readLength: before.byteLength, removedRecords };
  });
  return { topicId: found.topicId, rewrites };
}

/**
 * Applies a plan in the write transaction. A batch gone meanwhile (retention) stays gone; one that
 * another broker's compaction shortened meanwhile is left as it is (the next pass sees it); a
 * batch whose every record the plan removes may go whatever happened to it.
 */
export function applyCompaction(s: Statements, partition: number, planned: PlannedCompaction): { errorCode: 0; removedRecords: number } {
  let removedRecords = 0;
  for (const r of planned.rewrites) {
    const changed = r.bytes === null ? s.changes("delete-batch", planned.topicId, partition, r.baseOffset) : s.changes("replace-batch-bytes", r.bytes, planned.topicId, partition, r.baseOffset, r.readLength);
    if (changed > 0) removedRecords += r.removedRecords;
  }
  return { errorCode: 0, removedRecords };
}

export function retained(s: Statements, topic: string, partition: number): RetainedResult {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const row = s.get<{ batch_count: number; retained_bytes: number }>("retained", found.topicId, partition);
  return { errorCode: 0, retainedBytes: row?.retained_bytes ?? 0, batchCount: row?.batch_count ?? 0 };
}

/** Batches wholly below the new logStartOffset go; the one it falls inside stays whole. */
function raiseLogStartOffset(s: Statements, topicId: number, partition: number, offset: number): number {
  const row = s.get<{ log_start_offset: number }>("raise-log-start-offset", offset, topicId, partition);
  const logStartOffset = row?.log_start_offset ?? offset;
  s.run("delete-batches-below", topicId, partition, logStartOffset);
  s.run("delete-aborted-below", topicId, partition, logStartOffset);
  return logStartOffset;
}

function summaries(s: Statements, topicId: number, partition: number, logStartOffset: number): BatchSummary[] {
  return s.all<SummaryRow>("batch-summaries", topicId, partition, logStartOffset).map((r) => ({
    baseOffset: r.base_offset,
    lastOffset: r.last_offset,
    maxTimestamp: r.max_timestamp,
    sizeBytes: r.size_bytes,
  }));
}
