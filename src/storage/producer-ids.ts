// InitProducerId decisions for idempotent producers, shared by every engine (transactional ids
// are src/transactions' business); engines supply storage and id allocation.

import type { ProducerIdRequest, ProducerIdResult } from "./engine.ts";
import { ErrorCodes } from "../protocol/errors.ts";

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;

/** Kafka never hands out epoch 32767, so the coordinator can always fence with a higher epoch. */
export function isEpochExhausted(producerEpoch: number): boolean {
  return producerEpoch >= 32766;
}

/** The epoch the producer claims to hold (KIP-360), or null; both -1 means none. */
export function expectedProducer(
  request: ProducerIdRequest,
): { producerId: number; producerEpoch: number } | null | "invalid" {
  const { producerId, producerEpoch } = request;
  if (producerId === NO_PRODUCER_ID && producerEpoch === NO_PRODUCER_EPOCH) return null;
  if (producerId < 0 || producerEpoch < 0) return "invalid";
  return { producerId, producerEpoch };
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
