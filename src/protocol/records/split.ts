import { DecodeError } from "../primitives.ts";
import { BATCH_HEADER_SIZE, BATCH_LENGTH_AT, LOG_OVERHEAD } from "./header.ts";

export interface SplitBatches {
  /** Whole batches, as views into the input. */
  batches: Uint8Array[];
  /**
   * Trailing bytes too few for the batch they start (empty if none). Fetch responses may end in
   * a partial batch when maxBytes cuts it; in a Produce request it is an error for the caller.
   */
  partial: Uint8Array;
}

/** Splits a `records` field (concatenated batches) on each batch's batchLength. */
export function splitBatches(records: Uint8Array): SplitBatches {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const batches: Uint8Array[] = [];
  let p = 0;
  while (records.length - p >= LOG_OVERHEAD) {
    const batchLength = view.getInt32(p + BATCH_LENGTH_AT);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
      throw new DecodeError("bad-value", p + BATCH_LENGTH_AT, `batchLength ${batchLength} shorter than a batch header`);
    }
    if (batchLength > records.length - p - LOG_OVERHEAD) break;
    batches.push(records.subarray(p, p + LOG_OVERHEAD + batchLength));
    p += LOG_OVERHEAD + batchLength;
  }
  return { batches, partial: records.subarray(p) };
}
