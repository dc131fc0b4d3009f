// Producer state rows (producer_state), read and written inside the write transaction that
// assigns offsets, so a producer's checks and its batch's offsets are one atomic step.

import type { ProducerSnapshot } from "../engine.ts";
import type { ProducerState } from "../producer-state.ts";
import { batchesToJson, stateFromRow, txnColumns, type TxnColumns } from "../producer-state-json.ts";
import { producerSnapshot } from "../transaction-state.ts";
import type { Statements } from "./statements.ts";

interface ProducerStateRow extends TxnColumns {
  producer_epoch: number;
  batches: string;
}

export function loadProducerState(s: Statements, topic: string, partition: number, producerId: number): ProducerState | undefined {
  const row = s.get<ProducerStateRow>("producer-state", topic, partition, producerId);
  return row === null ? undefined : stateFromRow(row.producer_epoch, row.batches, row);
}

/** `topicId` is the topic's row id (watermark.topic). */
export function saveProducerState(s: Statements, topicId: number, partition: number, producerId: number, state: ProducerState): void {
  const t = txnColumns(state);
  s.run(
    "upsert-producer-state",
    topicId,
    partition,
    producerId,
    state.producerEpoch,
    batchesToJson(state),
    t.current_txn_first_offset,
    t.current_txn_guard,
    t.completed_txn_guard,
    t.coordinator_epoch,
  );
}

export function producerSnapshots(s: Statements, topicId: number, partition: number): ProducerSnapshot[] {
  return s
    .all<ProducerStateRow & { producer_id: number }>("producer-states", topicId, partition)
    .map((row) => producerSnapshot(row.producer_id, stateFromRow(row.producer_epoch, row.batches, row)));
}
