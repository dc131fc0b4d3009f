import { ErrorCodes } from "../protocol/errors.ts";
import { StorageError } from "../storage/engine.ts";

/**
 * Maps a failure inside storage to the Kafka error a client sees for that partition or group:
 * KAFKA_STORAGE_ERROR, which clients treat as retriable. Anything else is a bug and propagates.
 */
export function storageErrorCode(e: unknown): number {
  if (e instanceof StorageError) return ErrorCodes.KAFKA_STORAGE_ERROR;
  throw e;
}
