// Transaction markers and the aborted transactions they leave. A marker locks the partition's
// watermark row and reads the producer's state like an idempotent append; a marker that ends the
// open transaction is stored as a control batch by the append's statements (its rows rebuild it
// byte for byte), with the producer's new state and, for an abort, its tansu.aborted_transaction
// row, in the same transaction. A skipped marker still writes the producer's state.

import type { AbortedTransaction, TxnMarker, TxnMarkerResult } from "../engine.ts";
import { controlBatch } from "../control-batch.ts";
import { afterTxnMarker, checkTxnMarker } from "../producer-state.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { storeBatch } from "./append.ts";
import { batchRows } from "./batch-rows.ts";
import { query, type Db, type Queryable } from "./connect.ts";
import { lockProducer, stateParams } from "./producer-states.ts";

interface AbortedRow {
  producer_id: number;
  first_offset: number;
  last_offset: number;
}

export async function writeTxnMarker(db: Db, topic: string, partition: number, marker: TxnMarker, copyTimeoutMs: number): Promise<TxnMarkerResult> {
  const now = Date.now();
  const rows = batchRows(controlBatch(marker, now), partition);
  return db.begin(async (tx): Promise<TxnMarkerResult> => {
    const locked = await lockProducer(tx, topic, partition, marker.producerId);
    if (locked === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
    const { watermark: w, state } = locked;
    const check = checkTxnMarker(state, marker);
    if (check.kind === "error") return { errorCode: check.errorCode };
    // under the row lock the next offset is the high watermark
    const offset = check.kind === "append" ? w.high_watermark : null;
    const after = afterTxnMarker(state, marker, offset);
    const params = stateParams(after.state);
    if (offset === null) {
      await query(tx, "upsert-producer-state", [w.topic_id, partition, marker.producerId, after.state.producerEpoch, ...params]);
      return { errorCode: 0, offset };
    }
    const { aborted } = after;
    // sent before append-batch: nothing may follow the COPY it starts
    const abortInserted =
      aborted === null ? null : query(tx, "insert-aborted-transaction", [w.topic_id, partition, marker.producerId, aborted.firstOffset, aborted.lastOffset]);
    const [, stored] = await Promise.all([abortInserted, storeBatch(tx, topic, partition, 1, rows, params, copyTimeoutMs, () => {})]);
    if (stored?.base_offset !== offset) throw new Error(`marker for ${topic}/${partition} stored at ${stored?.base_offset}, expected ${offset}`);
    return { errorCode: 0, offset };
  });
}

export async function abortedTransactions(db: Queryable, topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
  const rows = await query<AbortedRow>(db, "aborted-transactions", [topic, partition, fromOffset, toOffset]);
  return rows.map((r) => ({ producerId: r.producer_id, firstOffset: r.first_offset, lastOffset: r.last_offset }));
}
