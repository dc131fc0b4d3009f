// DeleteRecords and time/size retention. Both only ever raise logStartOffset: raise-log-start-offset
// takes the greater of the stored and the new value under the watermark row's lock, so brokers
// racing each other (or appends) never lower it, and deletes what falls below it in the same
// statement.

import type { LogStartResult, PartitionOffsets, RetainedResult, RetentionPolicy } from "../engine.ts";
import { deleteRecordsTarget, retentionStart, type BatchSummary } from "../retention.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { query, type Queryable } from "./connect.ts";

export const unknownPartition = { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } as const;

interface WatermarkRow {
  topic_id: string;
  log_start_offset: number;
  high_watermark: number;
  last_stable_offset: number;
}

interface SummaryRow {
  base_offset: number;
  last_offset: number;
  max_timestamp: number;
  size: number;
}

export interface PartitionFound {
  topicId: string;
  offsets: PartitionOffsets;
}

/** Null when there is no such partition. */
export async function partitionOffsets(db: Queryable, topic: string, partition: number): Promise<PartitionFound | null> {
  const [w] = await query<WatermarkRow>(db, "watermark", [topic, partition]);
  if (w === undefined) return null;
  return {
    topicId: w.topic_id,
    offsets: { logStartOffset: w.log_start_offset, highWatermark: w.high_watermark, lastStableOffset: w.last_stable_offset },
  };
}

/** The batches from the one holding `fromOffset` on, in offset order. */
export async function batchSummaries(db: Queryable, topicId: string, partition: number, fromOffset: number): Promise<BatchSummary[]> {
  const rows = await query<SummaryRow>(db, "batch-summaries", [topicId, partition, fromOffset]);
  return rows.map((r) => ({ baseOffset: r.base_offset, lastOffset: r.last_offset, maxTimestamp: r.max_timestamp, sizeBytes: r.size }));
}

export async function deleteRecords(db: Queryable, topic: string, partition: number, offset: number): Promise<LogStartResult> {
  const found = await partitionOffsets(db, topic, partition);
  if (found === null) return unknownPartition;
  const target = deleteRecordsTarget(offset, found.offsets.highWatermark);
  if (target === null) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE };
  return raiseLogStartOffset(db, found.topicId, partition, target);
}

export async function applyRetention(db: Queryable, topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
  const found = await partitionOffsets(db, topic, partition);
  if (found === null) return unknownPartition;
  const { logStartOffset, lastStableOffset } = found.offsets;
  const batches = await batchSummaries(db, found.topicId, partition, logStartOffset);
  return raiseLogStartOffset(db, found.topicId, partition, retentionStart(batches, policy, logStartOffset, lastStableOffset));
}

/** Batches wholly below the new logStartOffset go; the one it falls inside stays whole. */
async function raiseLogStartOffset(db: Queryable, topicId: string, partition: number, offset: number): Promise<LogStartResult> {
  const [row] = await query<{ log_start_offset: number }>(db, "raise-log-start-offset", [topicId, partition, offset]);
  // the topic was deleted meanwhile
  if (row === undefined) return unknownPartition;
  return { errorCode: 0, logStartOffset: row.log_start_offset };
}

export async function retained(db: Queryable, topic: string, partition: number): Promise<RetainedResult> {
  const found = await partitionOffsets(db, topic, partition);
  if (found === null) return unknownPartition;
  const [row] = await query<{ batch_count: number; retained_bytes: number }>(db, "retained", [found.topicId, partition]);
  return { errorCode: 0, retainedBytes: row?.retained_bytes ?? 0, batchCount: row?.batch_count ?? 0 };
}
