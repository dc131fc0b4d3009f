import { DecodeError, Reader } from "../primitives.ts";
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./compression/index.ts";
import { verifyBatchCrc } from "./crc.ts";
import { checkBatchLength, readBatchHeader, RECORD_COUNT_AT, RECORDS_AT, type BatchHeader } from "./header.ts";
import { MIN_RECORD_SIZE, readRecord, type KafkaRecord } from "./record.ts";

export interface DecodeBatchOptions {
  /** Check the CRC first (default true). */
  verifyCrc?: boolean;
  /** Cap on the decompressed size of the records (default 64 MiB). */
  maxDecompressedBytes?: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  /** Keys, values and header values are views into the batch (or into its decompressed records). */
  records: KafkaRecord[];
}

/**
 * Decodes one whole batch (exactly its bytes, e.g. from splitBatches). Offsets in errors are
 * positions in `batch`; errors inside compressed records point at the records area and say where
 * in the decompressed bytes they arose.
 */
export function decodeBatch(batch: Uint8Array, options: DecodeBatchOptions = {}): DecodedBatch {
  const header = readBatchHeader(batch);
  checkBatchLength(batch, header.batchLength);
  if (options.verifyCrc ?? true) verifyBatchCrc(batch);
  if (header.recordCount < 0) throw new DecodeError("negative-length", RECORD_COUNT_AT, `recordCount ${header.recordCount}`);
  if (header.codec === "none") return { header, records: readRecords(new Reader(batch, RECORDS_AT), header) };
  const data = decompress(header.codec, batch.subarray(RECORDS_AT), options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, RECORDS_AT);
  try {
    return { header, records: readRecords(new Reader(data), header) };
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(e.code, RECORDS_AT, `in ${header.codec}-decompressed records: ${e.message}`);
    throw e;
  }
}

function readRecords(r: Reader, header: BatchHeader): KafkaRecord[] {
  const count = header.recordCount;
  if (count * MIN_RECORD_SIZE > r.remaining) {
    r.fail("length-exceeds-frame", `recordCount ${count} cannot fit in ${r.remaining} bytes`);
  }
  const logAppendTime = header.timestampType === "LogAppendTime";
  const baseTimestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp;
  const records: KafkaRecord[] = [];
  for (let i = 0; i < count; i++) records.push(readRecord(r, header.baseOffset, baseTimestamp, logAppendTime));
  if (r.remaining !== 0) r.fail("bad-value", `${r.remaining} bytes after the batch's ${count} records`);
  return records;
}
