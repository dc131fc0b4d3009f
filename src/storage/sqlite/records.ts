// Appends and reads of one partition's batches. Each function runs inside a transaction the
// engine opens; appends inside BEGIN IMMEDIATE, so no other connection writes in between.

import type { AppendBatch, AppendResult, PartitionOffsets, ReadResult, StoredBatch, TimestampQuery } from "../engine.ts";
import { withBaseOffset } from "../batch-bytes.ts";
import { afterAppend, checkProducerBatch, isIdempotent } from "../producer-state.ts";
import { batchesToJson, stateFromRow } from "../producer-state-json.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { BatchRow, Statements, WatermarkRow } from "./statements.ts";

const unknown = { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } as const;

export function watermark(s: Statements, topic: string, partition: number): WatermarkRow | null {
  return s.get<WatermarkRow>("watermark", topic, partition);
}

export function partitionOffsets(w: WatermarkRow): PartitionOffsets {
  return { logStartOffset: w.log_start_offset, highWatermark: w.high_watermark, lastStableOffset: w.high_watermark };
}

export function append(s: Statements, topic: string, partition: number, { bytes, meta }: AppendBatch, now: number): AppendResult {
  const w = watermark(s, topic, partition);
  if (w === null) return unknown;
  const logStartOffset = w.log_start_offset;
  const idempotent = isIdempotent(meta);
  const row = idempotent
    ? s.get<{ producer_epoch: number; batches: string }>("producer-state", w.topic, partition, meta.producerId)
    : null;
  const state = row === null ? undefined : stateFromRow(row.producer_epoch, row.batches);
  if (idempotent) {
    const check = checkProducerBatch(state, meta);
    if (check.kind === "error") return { errorCode: check.errorCode, logStartOffset };
    if (check.kind === "duplicate") return { errorCode: 0, baseOffset: check.baseOffset, logAppendTimeMs: now, logStartOffset };
  }
  const baseOffset = w.high_watermark;
  const lastOffset = baseOffset + meta.recordCount - 1;
  s.run("insert-batch", w.topic, partition, baseOffset, lastOffset, meta.maxTimestamp, withBaseOffset(bytes, baseOffset));
  s.run("advance-watermark", lastOffset + 1, w.topic, partition);
  if (idempotent) {
    const next = afterAppend(state, meta, baseOffset);
    s.run("upsert-producer-state", w.topic, partition, meta.producerId, next.producerEpoch, batchesToJson(next));
  }
  return { errorCode: 0, baseOffset, logAppendTimeMs: now, logStartOffset };
}

export function read(s: Statements, topic: string, partition: number, fetchOffset: number, maxBytes: number): ReadResult {
  const w = watermark(s, topic, partition);
  if (w === null) return unknown;
  const offsets = partitionOffsets(w);
  if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) {
    return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
  }
  const batches: StoredBatch[] = [];
  if (fetchOffset === offsets.highWatermark) return { errorCode: 0, batches, ...offsets };
  const start = s.get<{ base_offset: number | null }>("batch-start", w.topic, partition, fetchOffset)?.base_offset ?? fetchOffset;
  let total = 0;
  for (const row of s.iterate<BatchRow>("batches-from", w.topic, partition, start)) {
    total += row.bytes.byteLength;
    if (batches.length > 0 && total > maxBytes) break;
    batches.push(storedBatch(row));
  }
  return { errorCode: 0, batches, ...offsets };
}

export function batchByTimestamp(s: Statements, topic: string, partition: number, query: TimestampQuery): StoredBatch | null {
  const w = watermark(s, topic, partition);
  if (w === null) return null;
  const row =
    query.kind === "at-or-after"
      ? s.get<BatchRow>("batch-at-or-after", w.topic, partition, query.timestamp)
      : s.get<BatchRow>("batch-max-timestamp", w.topic, partition);
  return row === null ? null : storedBatch(row);
}

function storedBatch(row: BatchRow): StoredBatch {
  return { baseOffset: row.base_offset, lastOffset: row.last_offset, maxTimestamp: row.max_timestamp, bytes: row.bytes };
}
