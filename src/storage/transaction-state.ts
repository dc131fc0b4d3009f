// Partition-side transaction facts every engine reports the same way.

import type { AbortedTransaction, ProducerSnapshot } from "./engine.ts";
import type { ProducerState } from "./producer-state.ts";

/** The aborted transactions a READ_COMMITTED Fetch of [fromOffset, toOffset] must report, firstOffset order. */
export function abortedInRange(aborted: readonly AbortedTransaction[], fromOffset: number, toOffset: number): AbortedTransaction[] {
  return aborted
    .filter((a) => a.firstOffset <= toOffset && a.lastOffset >= fromOffset)
    .sort((a, b) => a.firstOffset - b.firstOffset);
}

export function producerSnapshot(producerId: number, state: ProducerState): ProducerSnapshot {
  return {
    producerId,
    producerEpoch: state.producerEpoch,
    lastSequence: state.batches.at(-1)?.lastSeq ?? -1,
    lastTimestamp: -1,
    coordinatorEpoch: state.txn?.coordinatorEpoch ?? -1,
    currentTxnStartOffset: state.txn?.currentTxnFirstOffset ?? -1,
  };
}
