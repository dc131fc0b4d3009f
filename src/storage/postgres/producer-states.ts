// Producer state rows (tansu.producer_state): read under the partition's watermark row lock and
// written by the statement that takes the batch's offsets, so checks and offsets are one atomic step.

import type { ProducerSnapshot } from "../engine.ts";
import type { ProducerState } from "../producer-state.ts";
import { batchesToJson, stateFromRow, txnColumns, type TxnColumns } from "../producer-state-json.ts";
import { producerSnapshot } from "../transaction-state.ts";
import { query, type Db, type Tx } from "./connect.ts";

interface ProducerStateRow extends TxnColumns {
  producer_epoch: number;
  batches: string;
}

export interface LockedWatermark {
  topic_id: string;
  log_start_offset: number;
  high_watermark: number;
}

/** A state as append-batch's $14-$18 and upsert-producer-state's $5-$9 take it. */
export type StateParams = [batches: string, currentTxnFirstOffset: number | null, currentTxnGuard: number, completedTxnGuard: number, coordinatorEpoch: number];

/** Locks the partition's watermark row and reads the producer's state, in one round trip; null when there is no such partition. */
export async function lockProducer(
  tx: Tx,
  topic: string,
  partition: number,
  producerId: number,
): Promise<{ watermark: LockedWatermark; state: ProducerState | undefined } | null> {
  const [[w], [p]] = await Promise.all([
    query<LockedWatermark>(tx, "lock-watermark", [topic, partition]),
    query<ProducerStateRow>(tx, "producer-state", [topic, partition, producerId]),
  ]);
  if (w === undefined) return null;
  return { watermark: w, state: p === undefined ? undefined : stateFromRow(p.producer_epoch, p.batches, p) };
}

export function stateParams(state: ProducerState): StateParams {
  const t = txnColumns(state);
  return [batchesToJson(state), t.current_txn_first_offset, t.current_txn_guard, t.completed_txn_guard, t.coordinator_epoch];
}

/** Null when there is no such partition. */
export async function producerSnapshots(db: Db, topic: string, partition: number): Promise<ProducerSnapshot[] | null> {
  const rows = await query<(ProducerStateRow & { producer_id: number }) | { producer_id: null }>(db, "producer-states", [topic, partition]);
  if (rows.length === 0) return null;
  return rows.flatMap((r) => (r.producer_id === null ? [] : [producerSnapshot(r.producer_id, stateFromRow(r.producer_epoch, r.batches, r))]));
}
