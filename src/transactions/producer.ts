// InitProducerId for a transactional id (Kafka 3.9's TransactionCoordinator, KIP-360 included):
// which producer id and epoch the id gets next. Pure; coordinator.ts applies it.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { expectedProducer, isEpochExhausted, NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from "../storage/producer-ids.ts";

export interface ProducerFields {
  producerId: number;
  producerEpoch: number;
  lastProducerId: number;
  lastProducerEpoch: number;
}

export interface InitRequest {
  producerId: number;
  producerEpoch: number;
}

/** The producer fields after InitProducerId; `current` is undefined the first time the id is seen. */
export function nextProducer(
  current: ProducerFields | undefined,
  request: InitRequest,
  allocatedProducerId: () => number,
): { errorCode: 0; producer: ProducerFields } | { errorCode: FailureCode } {
  const expected = expectedProducer(request);
  if (expected === "invalid") return { errorCode: ErrorCodes.INVALID_REQUEST };
  if (current === undefined) {
    return { errorCode: 0, producer: { producerId: allocatedProducerId(), producerEpoch: 0, lastProducerId: NO_PRODUCER_ID, lastProducerEpoch: NO_PRODUCER_EPOCH } };
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
    const lastProducerEpoch = expected === null ? NO_PRODUCER_EPOCH : current.producerEpoch;
    return { errorCode: 0, producer: { producerId: allocatedProducerId(), producerEpoch: 0, lastProducerId: current.producerId, lastProducerEpoch } };
  }
  if (holdsCurrentEpoch) {
    const lastProducerEpoch = expected === null ? NO_PRODUCER_EPOCH : current.producerEpoch;
    return { errorCode: 0, producer: { ...current, producerEpoch: current.producerEpoch + 1, lastProducerEpoch } };
  }
  // A retry of a bump whose response the producer never received.
  if (expected.producerEpoch === current.lastProducerEpoch) return { errorCode: 0, producer: current };
  return { errorCode: ErrorCodes.PRODUCER_FENCED };
}

/** The common check of AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn. */
export function checkProducer(current: ProducerFields | null, producerId: number, producerEpoch: number): FailureCode | null {
  if (current === null || current.producerId !== producerId) return ErrorCodes.INVALID_PRODUCER_ID_MAPPING;
  if (current.producerEpoch !== producerEpoch) return ErrorCodes.PRODUCER_FENCED;
  return null;
}
