// KIP-588 added PRODUCER_FENCED; requests older than the version that knows it get
// INVALID_PRODUCER_EPOCH instead, as Kafka answers them.

import { ErrorCodes } from "../protocol/errors.ts";

export function fencedFor(errorCode: number, apiVersion: number, firstVersionKnowingFenced: number): number {
  return errorCode === ErrorCodes.PRODUCER_FENCED && apiVersion < firstVersionKnowingFenced ? ErrorCodes.INVALID_PRODUCER_EPOCH : errorCode;
}
