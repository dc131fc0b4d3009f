// Appends and reads of one partition's batches. Each function runs inside a transaction the
// engine opens; appends inside BEGIN IMMEDIATE, so no other connection writes in between: the
// producer check, taking offsets (one UPDATE … RETURNING) and the insert are one atomic step, and
// a refused or duplicate batch writes nothing.

import type { AppendBatch, AppendResult, PartitionOffsets, ReadResult, StoredBatch, TimestampQuery } from "../engine.ts";
import { afterAppend, checkProducerBatch, isIdempotent, type ProducerState } from "../producer-state.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { setBaseOffset } from "../../protocol/records/index.ts";
import { loadProducerState, saveProducerState } from "./producer-states.ts";
import type { BatchRow, OffsetsRow, Statements, WatermarkRow } from "./statements.ts";

const unknown = { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } as const;

export function watermark(s: Statements, topic: string, partition: number): WatermarkRow | null {
  return s.get<WatermarkRow>("watermark", topic, partition);
}

/** The partition's offsets with its lastStableOffset, and its topic's row id; null if there is no such partition. */
export function partitionOffsets(s: Statements, topic: string, partition: number): { topicId: number; offsets: PartitionOffsets } | null {
  const w = s.get<OffsetsRow>("partition-offsets", topic, partition);
  if (w === null) return null;
  return { topicId: w.topic, offsets: { logStartOffset: w.log_start_offset, highWatermark: w.high_watermark, lastStableOffset: w.last_stable_offset } };
}

export function append(s: Statements, topic: string, partition: number, { bytes, meta }: AppendBatch, now: number): AppendResult {
  const idempotent = isIdempotent(meta);
  let state: ProducerState | undefined;
  if (idempotent) {
    state = loadProducerState(s, topic, partition, meta.producerId);
    const check = checkProducerBatch(state, meta);
    if (check.kind !== "append") {
      const w = watermark(s, topic, partition);
      if (w === null) return unknown;
      const logStartOffset = w.log_start_offset;
      if (check.kind === "error") return { errorCode: check.errorCode, logStartOffset };
      return { errorCode: 0, baseOffset: check.baseOffset, logAppendTimeMs: now, logStartOffset };
    }
  }
  const stored = store(s, topic, partition, bytes, meta.recordCount, meta.maxTimestamp);
  if (stored === null) return unknown;
  if (idempotent) saveProducerState(s, stored.topic, partition, meta.producerId, afterAppend(state, meta, stored.baseOffset));
  return { errorCode: 0, baseOffset: stored.baseOffset, logAppendTimeMs: now, logStartOffset: stored.log_start_offset };
}

/** Takes the next `recordCount` offsets and inserts the batch there; null if there is no such partition. */
export function store(
  s: Statements,
  topic: string,
  partition: number,
  bytes: Uint8Array,
  recordCount: number,
  maxTimestamp: number,
): (WatermarkRow & { baseOffset: number }) | null {
  const w = s.get<WatermarkRow>("take-offsets", recordCount, topic, partition);
  if (w === null) return null;
  const baseOffset = w.high_watermark - recordCount;
  setBaseOffset(bytes, baseOffset);
  s.run("insert-batch", w.topic, partition, baseOffset, w.high_watermark - 1, maxTimestamp, bytes);
  return { ...w, baseOffset };
}

export function read(s: Statements, topic: string, partition: number, fetchOffset: number, maxBytes: number): ReadResult {
  const found = partitionOffsets(s, topic, partition);
  if (found === null) return unknown;
  const { topicId, offsets } = found;
  if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) {
    return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
  }
  const batches: StoredBatch[] = [];
  if (fetchOffset === offsets.highWatermark) return { errorCode: 0, batches, ...offsets };
  const start = s.get<{ base_offset: number | null }>("batch-start", topicId, partition, fetchOffset)?.base_offset ?? fetchOffset;
  let total = 0;
  for (const row of s.iterate<BatchRow>("batches-from", topicId, partition, start)) {
    // compaction may have removed the batch that held fetchOffset: start at the next one
    if (row.last_offset < fetchOffset) continue;
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
