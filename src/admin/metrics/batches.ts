// Record and byte totals of a records field (a run of record batches v2), from batch headers only.

const BATCH_LENGTH_AT = 8;
const RECORD_COUNT_AT = 57;
const HEADER_BYTES = 61;
/** baseOffset (8) and batchLength (4) precede what batchLength counts. */
const LOG_OVERHEAD = 12;

/** Records in the complete batches of `bytes`. */
export function recordCount(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let records = 0;
  let at = 0;
  while (bytes.byteLength - at >= HEADER_BYTES) {
    const size = LOG_OVERHEAD + view.getInt32(at + BATCH_LENGTH_AT);
    if (size < HEADER_BYTES || at + size > bytes.byteLength) break;
    records += Math.max(view.getInt32(at + RECORD_COUNT_AT), 0);
    at += size;
  }
  return records;
}
