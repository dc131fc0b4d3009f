import { DecodeError } from "../primitives.ts";
import { checkBatchLength, LAST_OFFSET_DELTA_AT, readBatchHeader, RECORD_COUNT_AT, type BatchHeader } from "./header.ts";
import { verifyBatchCrc } from "./crc.ts";

/**
 * The checks a broker makes on a batch a producer sends: magic 2, batchLength matching the bytes,
 * the CRC, a known codec, at least one record and lastOffsetDelta + 1 == recordCount (a
 * producer's offsets are contiguous; only compaction leaves gaps). `batch` must be exactly one
 * batch, e.g. one of splitBatches' results; `header` is its header when already read. Records
 * themselves are checked by decodeBatch or scanRecords.
 */
export function validateBatch(batch: Uint8Array, header: BatchHeader = readBatchHeader(batch)): BatchHeader {
  checkBatchLength(batch, header.batchLength);
  verifyBatchCrc(batch);
  if (header.recordCount < 0) throw new DecodeError("negative-length", RECORD_COUNT_AT, `recordCount ${header.recordCount}`);
  if (header.recordCount === 0) throw new DecodeError("bad-value", RECORD_COUNT_AT, "a produced batch holds at least one record");
  if (header.lastOffsetDelta + 1 !== header.recordCount) {
    throw new DecodeError("bad-value", LAST_OFFSET_DELTA_AT, `lastOffsetDelta ${header.lastOffsetDelta} with recordCount ${header.recordCount}`);
  }
  return header;
}
