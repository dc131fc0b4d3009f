// Fetch and ListOffsets reads. One statement returns a partition's watermarks, the batches that
// fit maxBytes (a running sum over batch sizes, the first batch always whole) and, for batches
// stored as rows only, their records in offset order; batches are then rebuilt (rebuild.ts).

import type { PartitionOffsets, ReadResult, StoredBatch, TimestampQuery } from "../engine.ts";
import { setBaseOffset } from "../../protocol/records/index.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { query, type Db } from "./connect.ts";
import { rebuildBatch, type RecordRow, type StoredHeader } from "./rebuild.ts";

export interface BatchRecordRow {
  base_offset: number | null;
  last_offset: number;
  size: number;
  partition_leader_epoch: number;
  attributes: number;
  last_offset_delta: number;
  base_timestamp: number;
  max_timestamp: number;
  producer_id: number;
  producer_epoch: number;
  base_sequence: number;
  record_count: number;
  bytes: Buffer | null;
  offset: number | null;
  timestamp: number | null;
  key: Buffer | null;
  value: Buffer | null;
  headers: string | null;
}

interface ReadRow extends BatchRecordRow {
  log_start_offset: number;
  high_watermark: number;
  last_stable_offset: number;
}

/** The smallest batch is its 61-byte header, so no more batches than this can fit maxBytes. */
const MIN_BATCH_SIZE = 61;

export async function read(db: Db, topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
  const limit = Math.min(2 ** 31 - 1, Math.floor(Math.max(0, maxBytes) / MIN_BATCH_SIZE) + 1);
  const rows = await query<ReadRow>(db, "read", [topic, partition, fetchOffset, maxBytes, limit]);
  const first = rows[0];
  if (first === undefined) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
  const offsets: PartitionOffsets = {
    logStartOffset: first.log_start_offset,
    highWatermark: first.high_watermark,
    lastStableOffset: first.last_stable_offset,
  };
  if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) {
    return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
  }
  return { errorCode: 0, batches: assemble(rows), ...offsets };
}

export async function batchByTimestamp(db: Db, topic: string, partition: number, q: TimestampQuery): Promise<StoredBatch | null> {
  const rows =
    q.kind === "at-or-after"
      ? await query<BatchRecordRow>(db, "batch-at-or-after", [topic, partition, q.timestamp])
      : await query<BatchRecordRow>(db, "batch-max-timestamp", [topic, partition]);
  return assemble(rows)[0] ?? null;
}

/** Groups rows (ordered by base offset, then offset) into batches. */
export function assemble(rows: readonly BatchRecordRow[]): StoredBatch[] {
  const batches: StoredBatch[] = [];
  let i = 0;
  while (i < rows.length) {
    const head = rows[i];
    if (head === undefined || head.base_offset === null) break;
    const records: RecordRow[] = [];
    for (; i < rows.length && rows[i]?.base_offset === head.base_offset; i++) {
      const r = rows[i];
      if (r?.offset != null && r.timestamp !== null) records.push(recordRow(r));
    }
    batches.push({
      baseOffset: head.base_offset,
      lastOffset: head.last_offset,
      maxTimestamp: head.max_timestamp,
      bytes: batchBytes(head, head.base_offset, records),
    });
  }
  return batches;
}

function batchBytes(b: BatchRecordRow, baseOffset: number, records: readonly RecordRow[]): Uint8Array {
  if (b.bytes !== null) {
    const bytes = new Uint8Array(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
    setBaseOffset(bytes, baseOffset);
    return bytes;
  }
  return rebuildBatch(
    {
      baseOffset,
      size: b.size,
      partitionLeaderEpoch: b.partition_leader_epoch,
      attributes: b.attributes,
      lastOffsetDelta: b.last_offset_delta,
      baseTimestamp: b.base_timestamp,
      maxTimestamp: b.max_timestamp,
      producerId: b.producer_id,
      producerEpoch: b.producer_epoch,
      baseSequence: b.base_sequence,
      recordCount: b.record_count,
    },
    records,
  );
}

function recordRow(r: BatchRecordRow): RecordRow {
  return {
    offset: r.offset ?? 0,
    timestamp: r.timestamp ?? 0,
    key: r.key,
    value: r.value,
    headers: r.headers === null ? null : (JSON.parse(r.headers) as StoredHeader[]),
  };
}
