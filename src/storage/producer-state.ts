// Idempotent-producer checks for one (producerId, topic, partition), as Kafka 3.9 applies them
// (UnifiedLog.analyzeAndValidateProducerState, ProducerAppendInfo). Pure, so every engine can run
// them inside whatever makes its offset assignment atomic.

import type { BatchMeta, TxnMarker } from "./engine.ts";
import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";

/** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
export const RETAINED_BATCHES = 5;

const MAX_SEQUENCE = 2147483647;

export interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

export interface ProducerState {
  producerEpoch: number;
  /** Oldest first; at most RETAINED_BATCHES. */
  batches: ProducerBatch[];
  /** Absent until the producer writes a transactional batch or a marker reaches the partition. */
  txn?: ProducerTxnState;
}

/** A transactional producer's place in one partition (Kafka's ProducerStateEntry, plus our guard). */
export interface ProducerTxnState {
  /** First offset of the producer's open transaction in the partition; -1 when none is open. */
  currentTxnFirstOffset: number;
  /** verificationGuard of the open transaction; -1 when none is open. */
  currentTxnGuard: number;
  /** Highest verificationGuard a marker has ended here; a batch of that transaction or an older one is refused. */
  completedTxnGuard: number;
  coordinatorEpoch: number;
}

export const NO_TXN: ProducerTxnState = { currentTxnFirstOffset: -1, currentTxnGuard: -1, completedTxnGuard: -1, coordinatorEpoch: -1 };

export type ProducerCheck =
  | { kind: "append" }
  | { kind: "duplicate"; baseOffset: number }
  | { kind: "error"; errorCode: FailureCode };

/** Sequences wrap from 2147483647 to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;
}

export function lastSequence(meta: BatchMeta): number {
  return incrementSequence(meta.baseSequence, meta.recordCount - 1);
}

export function isIdempotent(meta: BatchMeta): boolean {
  return meta.producerId >= 0;
}

/** Decides what to do with a batch from an idempotent producer given the state before it. */
export function checkProducerBatch(state: ProducerState | undefined, meta: BatchMeta): ProducerCheck {
  if (state !== undefined && meta.producerEpoch < state.producerEpoch) {
    return { kind: "error", errorCode: ErrorCodes.INVALID_PRODUCER_EPOCH };
  }
  if (meta.isTransactional && !transactionOpenable(state, meta)) {
    const duplicate = state?.batches.find((b) => b.firstSeq === meta.baseSequence && b.lastSeq === lastSequence(meta));
    if (duplicate !== undefined && state?.producerEpoch === meta.producerEpoch) return { kind: "duplicate", baseOffset: duplicate.baseOffset };
    return { kind: "error", errorCode: ErrorCodes.INVALID_TXN_STATE };
  }
  if (state === undefined) return { kind: "append" };

  if (meta.producerEpoch === state.producerEpoch) {
    const lastSeq = lastSequence(meta);
    const duplicate = state.batches.find((b) => b.firstSeq === meta.baseSequence && b.lastSeq === lastSeq);
    if (duplicate !== undefined) return { kind: "duplicate", baseOffset: duplicate.baseOffset };
    const currentLastSeq = state.batches.at(-1)?.lastSeq ?? -1;
    if (meta.baseSequence !== incrementSequence(currentLastSeq, 1)) {
      return { kind: "error", errorCode: ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    return { kind: "append" };
  }
  // A new epoch starts its sequences at 0.
  return meta.baseSequence === 0
    ? { kind: "append" }
    : { kind: "error", errorCode: ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER };
}

/**
 * A transactional batch may join the producer's open transaction in the partition only if it
 * belongs to it, and may open one only for a transaction the partition has not seen end.
 */
function transactionOpenable(state: ProducerState | undefined, meta: BatchMeta): boolean {
  const guard = meta.verificationGuard ?? -1;
  if (guard < 0) return false;
  const txn = state?.txn ?? NO_TXN;
  if (txn.currentTxnFirstOffset >= 0) return txn.currentTxnGuard === guard;
  return guard > txn.completedTxnGuard;
}

/** The state after a batch that checkProducerBatch accepted was stored at `baseOffset`. */
export function afterAppend(state: ProducerState | undefined, meta: BatchMeta, baseOffset: number): ProducerState {
  const sameEpoch = state !== undefined && state.producerEpoch === meta.producerEpoch;
  const kept = sameEpoch ? state.batches : [];
  const batch: ProducerBatch = {
    firstSeq: meta.baseSequence,
    lastSeq: lastSequence(meta),
    baseOffset,
    lastOffset: baseOffset + meta.recordCount - 1,
  };
  const next: ProducerState = { producerEpoch: meta.producerEpoch, batches: [...kept, batch].slice(-RETAINED_BATCHES) };
  const txn = state?.txn;
  if (meta.isTransactional && (txn === undefined || txn.currentTxnFirstOffset < 0)) {
    next.txn = { ...(txn ?? NO_TXN), currentTxnFirstOffset: baseOffset, currentTxnGuard: meta.verificationGuard ?? -1 };
  } else if (txn !== undefined) {
    next.txn = txn;
  }
  return next;
}

export type MarkerCheck = { kind: "append" } | { kind: "skip" } | { kind: "error"; errorCode: FailureCode };

/**
 * Whether a marker ends an open transaction here. It ends the producer's open transaction unless
 * that one is newer than the marker's; otherwise nothing is stored (a retried or stale marker).
 */
export function checkTxnMarker(state: ProducerState | undefined, marker: TxnMarker): MarkerCheck {
  if (state !== undefined && marker.producerEpoch < state.producerEpoch) {
    return { kind: "error", errorCode: ErrorCodes.INVALID_PRODUCER_EPOCH };
  }
  const txn = state?.txn;
  if (txn === undefined || txn.currentTxnFirstOffset < 0 || txn.currentTxnGuard > marker.verificationGuard) return { kind: "skip" };
  return { kind: "append" };
}

/**
 * The state after a marker: stored at `offset` (checkTxnMarker said append) or skipped (null).
 * `aborted` is the transaction the marker aborted, for the partition's abortedTransactions.
 */
export function afterTxnMarker(
  state: ProducerState | undefined,
  marker: TxnMarker,
  offset: number | null,
): { state: ProducerState; aborted: { firstOffset: number; lastOffset: number } | null } {
  const txn = state?.txn ?? NO_TXN;
  const sameEpoch = state !== undefined && state.producerEpoch === marker.producerEpoch;
  const next: ProducerState = {
    producerEpoch: Math.max(marker.producerEpoch, state?.producerEpoch ?? -1),
    batches: sameEpoch ? state.batches : [],
    txn: {
      currentTxnFirstOffset: offset === null ? txn.currentTxnFirstOffset : -1,
      currentTxnGuard: offset === null ? txn.currentTxnGuard : -1,
      completedTxnGuard: Math.max(txn.completedTxnGuard, marker.verificationGuard),
      coordinatorEpoch: marker.coordinatorEpoch,
    },
  };
  const aborted = offset !== null && !marker.commit ? { firstOffset: txn.currentTxnFirstOffset, lastOffset: offset } : null;
  return { state: next, aborted };
}

/** The partition's lastStableOffset: the first offset of its oldest open transaction, else the high watermark. */
export function lastStableOffset(states: Iterable<ProducerState>, highWatermark: number): number {
  let lso = highWatermark;
  for (const s of states) {
    const first = s.txn?.currentTxnFirstOffset ?? -1;
    if (first >= 0 && first < lso) lso = first;
  }
  return lso;
}
