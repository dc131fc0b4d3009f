// Producer state as SQL engines store it: the epoch in a column, the retained batches as JSON, the
// transaction sub-state in four columns. current_txn_first_offset is null unless a transaction is
// open, so an index over the non-null ones gives the lastStableOffset cheaply.

import type { ProducerBatch, ProducerState } from "./producer-state.ts";

export interface TxnColumns {
  current_txn_first_offset: number | null;
  current_txn_guard: number;
  completed_txn_guard: number;
  coordinator_epoch: number;
}

export function batchesToJson(state: ProducerState): string {
  return JSON.stringify(state.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset]));
}

/** The state's txn as columns; a producer without one stores the defaults (null, -1, -1, -1). */
export function txnColumns(state: ProducerState): TxnColumns {
  const txn = state.txn;
  return {
    current_txn_first_offset: txn === undefined || txn.currentTxnFirstOffset < 0 ? null : txn.currentTxnFirstOffset,
    current_txn_guard: txn?.currentTxnGuard ?? -1,
    completed_txn_guard: txn?.completedTxnGuard ?? -1,
    coordinator_epoch: txn?.coordinatorEpoch ?? -1,
  };
}

export function stateFromRow(producerEpoch: number, batchesJson: string | unknown[], txn?: TxnColumns): ProducerState {
  const raw: unknown = typeof batchesJson === "string" ? JSON.parse(batchesJson) : batchesJson;
  const batches: ProducerBatch[] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry)) continue;
      const [firstSeq, lastSeq, baseOffset, lastOffset] = entry.map(Number);
      if (firstSeq === undefined || lastSeq === undefined || baseOffset === undefined || lastOffset === undefined) continue;
      batches.push({ firstSeq, lastSeq, baseOffset, lastOffset });
    }
  }
  const state: ProducerState = { producerEpoch, batches };
  if (txn !== undefined && (txn.current_txn_first_offset !== null || Math.max(txn.current_txn_guard, txn.completed_txn_guard, txn.coordinator_epoch) >= 0)) {
    state.txn = {
      currentTxnFirstOffset: txn.current_txn_first_offset ?? -1,
      currentTxnGuard: txn.current_txn_guard,
      completedTxnGuard: txn.completed_txn_guard,
      coordinatorEpoch: txn.coordinator_epoch,
    };
  }
  return state;
}
