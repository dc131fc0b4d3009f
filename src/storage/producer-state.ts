// Idempotent-producer checks for one (producerId, topic, partition), as Kafka 3.9 applies them
// (UnifiedLog.analyzeAndValidateProducerState, ProducerAppendInfo). Pure, so every engine can run
// them inside whatever makes its offset assignment atomic.

import type { BatchMeta } from "./engine.ts";
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
}

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
  // Transaction markers carry the producer's epoch but no sequence.
  if (meta.isControl || state === undefined) return { kind: "append" };

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

/** The state after a batch that checkProducerBatch accepted was stored at `baseOffset`. */
export function afterAppend(state: ProducerState | undefined, meta: BatchMeta, baseOffset: number): ProducerState {
  const sameEpoch = state !== undefined && state.producerEpoch === meta.producerEpoch;
  const kept = sameEpoch ? state.batches : [];
  if (meta.isControl) return { producerEpoch: meta.producerEpoch, batches: kept };
  const batch: ProducerBatch = {
    firstSeq: meta.baseSequence,
    lastSeq: lastSequence(meta),
    baseOffset,
    lastOffset: baseOffset + meta.recordCount - 1,
  };
  return { producerEpoch: meta.producerEpoch, batches: [...kept, batch].slice(-RETAINED_BATCHES) };
}
