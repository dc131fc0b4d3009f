// Produce into PostgreSQL, one transaction per batch: lock the partition's watermark row, check
// the idempotent producer, COPY the records in, insert the batch row, advance the watermark,
// upsert the producer state and NOTIFY, then commit. The caller acknowledges only after commit.
// Decoding, the exactness check and the COPY encoding happen before the lock is taken.

import type { AppendBatch, AppendResult } from "../engine.ts";
import { afterAppend, checkProducerBatch, isIdempotent, type ProducerState } from "../producer-state.ts";
import { batchesToJson, stateFromRow } from "../producer-state-json.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { batchRows } from "./batch-rows.ts";
import { query, type Db } from "./connect.ts";
import { copyIn } from "./copy.ts";
import { patchCopyRows, prepareCopyRows, uuidBytes } from "./copy-rows.ts";

interface LockedWatermark {
  topic_id: string;
  log_start_offset: number;
  high_watermark: number;
}

export async function append(db: Db, topic: string, partition: number, batch: AppendBatch, copyTimeoutMs: number): Promise<AppendResult> {
  const { meta } = batch;
  const rows = batchRows(batch);
  const prepared = rows.records.length === 0 ? null : prepareCopyRows(partition, rows.records);
  const bytes = rows.bytes === null ? null : Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.byteLength);
  const idempotent = isIdempotent(meta);
  return db.begin(async (tx): Promise<AppendResult> => {
    const now = Date.now();
    const [w] = await query<LockedWatermark>(tx, "lock-watermark", [topic, partition]);
    if (w === undefined) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
    const logStartOffset = w.log_start_offset;
    let state: ProducerState | undefined;
    if (idempotent) {
      const [p] = await query<{ producer_epoch: number; batches: string }>(tx, "producer-state", [w.topic_id, partition, meta.producerId]);
      state = p === undefined ? undefined : stateFromRow(p.producer_epoch, p.batches);
      const check = checkProducerBatch(state, meta);
      if (check.kind === "error") return { errorCode: check.errorCode, logStartOffset };
      if (check.kind === "duplicate") return { errorCode: 0, baseOffset: check.baseOffset, logAppendTimeMs: now, logStartOffset };
    }
    const baseOffset = w.high_watermark;
    const lastOffset = baseOffset + meta.recordCount - 1;
    if (prepared !== null) {
      patchCopyRows(prepared, rows.records, uuidBytes(w.topic_id), baseOffset);
      await copyIn(tx, prepared.data, copyTimeoutMs);
    }
    const c = rows.columns;
    const producerState = idempotent ? batchesToJson(afterAppend(state, meta, baseOffset)) : null;
    await query(tx, "finish-append", [
      w.topic_id,
      partition,
      baseOffset,
      lastOffset,
      c.size,
      c.partitionLeaderEpoch,
      c.attributes,
      c.lastOffsetDelta,
      c.baseTimestamp,
      c.maxTimestamp,
      c.producerId,
      c.producerEpoch,
      c.baseSequence,
      c.recordCount,
      bytes,
      producerState,
      `${partition}:${topic}`,
    ]);
    return { errorCode: 0, baseOffset, logAppendTimeMs: now, logStartOffset };
  });
}
