// Produce into PostgreSQL, one transaction per batch, in few round trips. An idempotent producer's
// batch first locks the partition's watermark row and reads the producer's state together, to
// check the sequence. Then append-batch (takes the offsets, inserts the batch row and the
// producer's state, NOTIFY) goes out with the COPY statement, the rows follow once patched with
// the topic id and baseOffset it returned, and the transaction commits; the caller acknowledges
// only after that. Decoding and the COPY encoding happen before the transaction begins. A row a
// constraint refuses (SQLSTATE class 23, e.g. a CHECK a user added) is INVALID_RECORD; other
// database failures throw, and reach the client as the retriable KAFKA_STORAGE_ERROR.

import postgres from "postgres";
import type { AppendBatch, AppendResult } from "../engine.ts";
import { afterAppend, checkProducerBatch, isIdempotent } from "../producer-state.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { batchRows, type BatchRows } from "./batch-rows.ts";
import { query, type Db, type Tx } from "./connect.ts";
import { endCopy, startCopy } from "./copy.ts";
import { patchCopyRows, prepareCopyRows, uuidBytes } from "./copy-rows.ts";
import { lockProducer, stateParams, type StateParams } from "./producer-states.ts";

/** SQLSTATE 23505: two rows for one offset would be a fault of ours, not a refusal. */
const UNIQUE_VIOLATION = "23505";

export interface AppendedBatch {
  topic_id: string;
  base_offset: number;
  log_start_offset: number;
}

type ProducerCheck = { kind: "append"; producerState: StateParams | null } | { kind: "answer"; result: AppendResult };

/** `offsetsTaken` is called once append-batch has returned (the batch's offsets are taken). */
export async function append(db: Db, topic: string, partition: number, batch: AppendBatch, copyTimeoutMs: number, offsetsTaken: () => void): Promise<AppendResult> {
  try {
    return await appendInTransaction(db, topic, partition, batch, copyTimeoutMs, offsetsTaken);
  } catch (e) {
    // a constraint of the user's on tansu.record refused a row: no retry would store it
    if (e instanceof postgres.PostgresError && e.code.startsWith("23") && e.code !== UNIQUE_VIOLATION) return { errorCode: ErrorCodes.INVALID_RECORD };
    throw e;
  }
}

async function appendInTransaction(db: Db, topic: string, partition: number, batch: AppendBatch, copyTimeoutMs: number, offsetsTaken: () => void): Promise<AppendResult> {
  const { meta } = batch;
  const rows = batchRows(batch, partition);
  return db.begin(async (tx): Promise<AppendResult> => {
    const now = Date.now();
    const check = isIdempotent(meta) ? await checkProducer(tx, topic, partition, batch, now) : ({ kind: "append", producerState: null } as const);
    if (check.kind === "answer") return check.result;
    const appended = await storeBatch(tx, topic, partition, meta.recordCount, rows, check.producerState, copyTimeoutMs, offsetsTaken);
    if (appended === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
    return { errorCode: 0, baseOffset: appended.base_offset, logAppendTimeMs: now, logStartOffset: appended.log_start_offset };
  });
}

/**
 * Takes the batch's offsets, inserts its batch row, its records (COPY) and the producer's state
 * (null: none to write); null when there is no such partition. `offsetsTaken` is called once
 * append-batch has returned.
 */
export async function storeBatch(
  tx: Tx,
  topic: string,
  partition: number,
  recordCount: number,
  rows: BatchRows,
  producerState: StateParams | null,
  copyTimeoutMs: number,
  offsetsTaken: () => void,
): Promise<AppendedBatch | null> {
  const c = rows.columns;
  const bytes = rows.bytes === null ? null : Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.byteLength);
  const appending = query<AppendedBatch>(tx, "append-batch", [
    topic,
    partition,
    recordCount,
    c.size,
    c.partitionLeaderEpoch,
    c.attributes,
    c.lastOffsetDelta,
    c.baseTimestamp,
    c.maxTimestamp,
    c.producerId,
    c.producerEpoch,
    c.baseSequence,
    bytes,
    ...(producerState ?? [null, null, null, null, null]),
  ]);
  const [[appended], copy] = await Promise.all([appending, rows.copy === null ? null : startCopy(tx)]);
  offsetsTaken();
  if (appended === undefined) {
    if (copy !== null) await endCopy(copy, prepareCopyRows(partition, []).data, copyTimeoutMs);
    return null;
  }
  if (copy !== null && rows.copy !== null) {
    patchCopyRows(rows.copy, uuidBytes(appended.topic_id), appended.base_offset);
    await endCopy(copy, rows.copy.data, copyTimeoutMs);
  }
  return appended;
}

/** Locks the watermark row and checks the batch against the producer's state, in one round trip. */
async function checkProducer(tx: Tx, topic: string, partition: number, { meta }: AppendBatch, now: number): Promise<ProducerCheck> {
  const locked = await lockProducer(tx, topic, partition, meta.producerId);
  if (locked === null) return { kind: "answer", result: { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } };
  const { watermark: w, state } = locked;
  const logStartOffset = w.log_start_offset;
  const check = checkProducerBatch(state, meta);
  if (check.kind === "error") return { kind: "answer", result: { errorCode: check.errorCode, logStartOffset } };
  if (check.kind === "duplicate") return { kind: "answer", result: { errorCode: 0, baseOffset: check.baseOffset, logAppendTimeMs: now, logStartOffset } };
  return { kind: "append", producerState: stateParams(afterAppend(state, meta, w.high_watermark)) };
}
