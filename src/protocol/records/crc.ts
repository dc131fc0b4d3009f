import { DecodeError } from "../primitives.ts";
import { ATTRIBUTES_AT, CRC_AT } from "./header.ts";
import { crc32c } from "./crc32c.ts";

/** The CRC-32C a batch should carry: over bytes 21..end (attributes onwards). */
export function computeBatchCrc(batch: Uint8Array): number {
  return crc32c(batch.subarray(ATTRIBUTES_AT));
}

export function storedBatchCrc(batch: Uint8Array): number {
  return new DataView(batch.buffer, batch.byteOffset, batch.byteLength).getUint32(CRC_AT);
}

/** Fails with DecodeError "crc-mismatch" unless the stored CRC matches the bytes. */
export function verifyBatchCrc(batch: Uint8Array): void {
  const stored = storedBatchCrc(batch);
  const actual = computeBatchCrc(batch);
  if (stored !== actual) {
    throw new DecodeError("crc-mismatch", CRC_AT, `stored crc 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`);
  }
}
