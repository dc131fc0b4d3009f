// DeleteRecords, time/size retention and compaction of one partition. Each runs inside one write
// transaction (BEGIN IMMEDIATE), so readers in any process see the partition before or after.

import type { CompactionPolicy, LogStartResult, RetainedResult, RetentionPolicy } from "../engine.ts";
import { cleanableEnd, planCompaction } from "../compaction.ts";
import { deleteRecordsTarget, retentionStart, type BatchSummary } from "../retention.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
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

export function compact(s: Statements, topic: string, partition: number, policy: CompactionPolicy): { errorCode: 0; removedRecords: number } | typeof unknown {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const { logStartOffset, lastStableOffset } = found.offsets;
  const end = cleanableEnd(summaries(s, found.topicId, partition, logStartOffset), policy, lastStableOffset);
  if (end < 0) return { errorCode: 0, removedRecords: 0 };
  const range = s.all<BatchRow>("batches-through", found.topicId, partition, logStartOffset, end);
  const batches = range.map((r) => ({ baseOffset: r.base_offset, lastOffset: r.last_offset, maxTimestamp: r.max_timestamp, bytes: r.bytes }));
  const plan = planCompaction(batches, abortedTransactions(s, topic, partition, logStartOffset, end), policy);
  for (const { baseOffset, bytes } of plan.rewrites) {
    if (bytes === null) s.run("delete-batch", found.topicId, partition, baseOffset);
    else s.run("replace-batch-bytes", bytes, found.topicId, partition, baseOffset);
  }
  return { errorCode: 0, removedRecords: plan.removedRecords };
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
