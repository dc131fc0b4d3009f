// InitProducerId decisions shared by every engine. Transactional ids follow Kafka 3.9's
// TransactionCoordinator (KIP-360 included); engines supply storage and id allocation.

import type { ProducerIdRequest, ProducerIdResult } from "./engine.ts";
import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;

/** Kafka never hands out epoch 32767, so the coordinator can always fence with a higher epoch. */
export function isEpochExhausted(producerEpoch: number): boolean {
  return producerEpoch >= 32766;
}

export interface TransactionalProducer {
  producerId: number;
  producerEpoch: number;
  /** The id and epoch before the last bump, so a retried InitProducerId gets the same answer. */
  lastProducerId: number;
  lastProducerEpoch: number;
  transactionTimeoutMs: number;
}

export type TransactionalInit = { errorCode: 0; producer: TransactionalProducer } | { errorCode: FailureCode };

/** The epoch the producer claims to hold (KIP-360), or null; both -1 means none. */
export function expectedProducer(
  request: ProducerIdRequest,
): { producerId: number; producerEpoch: number } | null | "invalid" {
  const { producerId, producerEpoch } = request;
  if (producerId === NO_PRODUCER_ID && producerEpoch === NO_PRODUCER_EPOCH) return null;
  if (producerId < 0 || producerEpoch < 0) return "invalid";
  return { producerId, producerEpoch };
}

/** The next state for a transactional id; `current` is undefined the first time the id is seen. */
export function initTransactional(
  current: TransactionalProducer | undefined,
  request: ProducerIdRequest,
  allocateProducerId: () => number,
): TransactionalInit {
  const expected = expectedProducer(request);
  if (request.transactionalId === "" || expected === "invalid") return { errorCode: ErrorCodes.INVALID_REQUEST };
  const transactionTimeoutMs = request.transactionTimeoutMs;
  if (current === undefined) {
    const producer = {
      producerId: allocateProducerId(),
      producerEpoch: 0,
      lastProducerId: NO_PRODUCER_ID,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      transactionTimeoutMs,
    };
    return { errorCode: 0, producer };
  }
  if (
    expected !== null &&
    expected.producerId !== current.producerId &&
    !(expected.producerId === current.lastProducerId && isEpochExhausted(expected.producerEpoch))
  ) {
    return { errorCode: ErrorCodes.PRODUCER_FENCED };
  }
  const holdsCurrentEpoch = expected === null || expected.producerEpoch === current.producerEpoch;
  if (isEpochExhausted(current.producerEpoch) && holdsCurrentEpoch) {
    const producer = {
      producerId: allocateProducerId(),
      producerEpoch: 0,
      lastProducerId: current.producerId,
      lastProducerEpoch: expected === null ? NO_PRODUCER_EPOCH : current.producerEpoch,
      transactionTimeoutMs,
    };
    return { errorCode: 0, producer };
  }
  if (holdsCurrentEpoch) {
    const lastProducerEpoch = expected === null ? NO_PRODUCER_EPOCH : current.producerEpoch;
    const producerEpoch = current.producerEpoch + 1;
    return { errorCode: 0, producer: { ...current, producerEpoch, lastProducerEpoch, transactionTimeoutMs } };
  }
  // A retry of a bump whose response the producer never received.
  if (expected.producerEpoch === current.lastProducerEpoch) return { errorCode: 0, producer: current };
  return { errorCode: ErrorCodes.PRODUCER_FENCED };
}

/**
 * A non-transactional producer re-initialising (KIP-360) keeps its id with the next epoch when
 * it holds the epoch the engine knows for that id; anything else gets a fresh id at epoch 0.
 * `knownEpoch` is the engine's epoch for request.producerId, if it issued that id.
 */
export function initIdempotent(
  request: ProducerIdRequest,
  knownEpoch: number | undefined,
  allocateProducerId: () => number,
): ProducerIdResult {
  const expected = expectedProducer(request);
  if (expected === "invalid") return { errorCode: ErrorCodes.INVALID_REQUEST };
  if (expected !== null && knownEpoch === expected.producerEpoch && !isEpochExhausted(knownEpoch)) {
    return { errorCode: 0, producerId: expected.producerId, producerEpoch: knownEpoch + 1 };
  }
  return { errorCode: 0, producerId: allocateProducerId(), producerEpoch: 0 };
}
