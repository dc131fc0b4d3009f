import { DecodeError, Reader } from "../primitives.ts";
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./compression/index.ts";
import { verifyBatchCrc } from "./crc.ts";
import { checkBatchLength, readBatchHeader, RECORD_COUNT_AT, RECORDS_AT, type BatchHeader } from "./header.ts";
import { MIN_RECORD_SIZE } from "./record.ts";

// Walks a batch's records without building them: the same structural checks as decodeBatch, in the
// same order and with the same DecodeErrors, but nothing allocated per record. Record layout is in
// record.ts.

/** A record is out of range when now - timestamp > beforeMaxMs or timestamp - now > afterMaxMs. */
export interface TimestampBounds {
  now: number;
  beforeMaxMs: number;
  afterMaxMs: number;
}

export interface ScanRecordsOptions {
  /** Cap on the decompressed size of the records (default 64 MiB). */
  maxDecompressedBytes?: number;
  /** Look for the first record whose timestamp is outside these bounds. */
  timestampBounds?: TimestampBounds;
}

export interface ScanBatchOptions extends ScanRecordsOptions {
  /** Check the CRC first (default true). */
  verifyCrc?: boolean;
}

export interface RecordsScan {
  /** Index of the first record whose offsetDelta is not its index, or -1. */
  offsetDeltaMismatchAt: number;
  /** That record's offsetDelta. */
  mismatchedOffsetDelta: number;
  /** Whether any record has a null key. */
  hasNullKey: boolean;
  /** Index of the first record with a timestamp outside timestampBounds, or -1. */
  timestampOutOfRangeAt: number;
  /** That record's timestamp (baseTimestamp + timestampDelta, or maxTimestamp under LogAppendTime). */
  outOfRangeTimestamp: number;
  /** That record's offsetDelta. */
  outOfRangeOffsetDelta: number;
}

const NO_BOUNDS: TimestampBounds = { now: 0, beforeMaxMs: Infinity, afterMaxMs: Infinity };

/** decodeBatch's checks on one whole batch, header included, as a RecordsScan. */
export function scanBatch(batch: Uint8Array, options: ScanBatchOptions = {}): RecordsScan {
  const header = readBatchHeader(batch);
  checkBatchLength(batch, header.batchLength);
  if (options.verifyCrc ?? true) verifyBatchCrc(batch);
  return scanRecords(batch, header, options);
}

/**
 * Scans the records of `batch`, whose header has already been read and whose length checked
 * (validateBatch). Throws DecodeError where decodeBatch would, with the same code, position and
 * message.
 */
export function scanRecords(batch: Uint8Array, header: BatchHeader, options: ScanRecordsOptions = {}): RecordsScan {
  if (header.recordCount < 0) throw new DecodeError("negative-length", RECORD_COUNT_AT, `recordCount ${header.recordCount}`);
  const bounds = options.timestampBounds ?? NO_BOUNDS;
  if (header.codec === "none") return new RecordScanner(batch, RECORDS_AT, header, bounds).scan();
  const data = decompress(header.codec, batch.subarray(RECORDS_AT), options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, RECORDS_AT);
  try {
    return new RecordScanner(data, 0, header, bounds).scan();
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(e.code, RECORDS_AT, `in ${header.codec}-decompressed records: ${e.message}`);
    throw e;
  }
}

/**
 * A Reader over the records area that skips keys, values and headers instead of slicing them, so
 * nothing is allocated per record. Its errors are Reader's and decodeBatch's.
 */
class RecordScanner extends Reader {
  constructor(
    buf: Uint8Array,
    pos: number,
    private readonly header: BatchHeader,
    private readonly bounds: TimestampBounds,
  ) {
    super(buf, pos);
  }

  private skip(n: number): void {
    if (n > this.end - this.pos) this.fail("length-exceeds-frame", `length ${n} with ${this.end - this.pos} bytes left`);
    this.pos += n;
  }

  /** Skips a length-prefixed field, -1 = null; returns whether it was null. */
  private skipNullable(): boolean {
    const at = this.pos;
    const n = this.varint();
    if (n === -1) return true;
    if (n < -1) this.fail("negative-length", `length ${n}`, at);
    this.skip(n);
    return false;
  }

  private skipHeaders(recordEnd: number): void {
    const at = this.pos;
    const count = this.varint();
    if (count === 0) return;
    if (count < 0) this.fail("negative-length", `header count ${count}`, at);
    // every header takes at least two bytes (its two lengths)
    if (count * 2 > recordEnd - this.pos) this.fail("length-exceeds-frame", `header count ${count} with ${recordEnd - this.pos} bytes left in the record`, at);
    for (let i = 0; i < count; i++) {
      const keyAt = this.pos;
      const keyLength = this.varint();
      if (keyLength < 0) this.fail("negative-length", `header key length ${keyLength}`, keyAt);
      this.skip(keyLength);
      this.skipNullable();
    }
  }

  scan(): RecordsScan {
    const header = this.header;
    const count = header.recordCount;
    if (count * MIN_RECORD_SIZE > this.end - this.pos) {
      this.fail("length-exceeds-frame", `recordCount ${count} cannot fit in ${this.end - this.pos} bytes`);
    }
    const logAppendTime = header.timestampType === "LogAppendTime";
    const baseTimestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp;
    const { now, beforeMaxMs, afterMaxMs } = this.bounds;
    let offsetDeltaMismatchAt = -1;
    let mismatchedOffsetDelta = 0;
    let hasNullKey = false;
    let timestampOutOfRangeAt = -1;
    let outOfRangeTimestamp = 0;
    let outOfRangeOffsetDelta = 0;
    for (let i = 0; i < count; i++) {
      const at = this.pos;
      const length = this.varint();
      if (length < 0) this.fail("negative-length", `record length ${length}`, at);
      if (length > this.end - this.pos) this.fail("length-exceeds-frame", `record length ${length} with ${this.end - this.pos} bytes left`, at);
      const bodyAt = this.pos;
      const recordEnd = bodyAt + length;
      // attributes (int8, unused)
      if (this.pos >= this.end) this.fail("truncated", `needs 1 bytes, ${this.end - this.pos} left`);
      this.pos++;
      const timestampDelta = this.varlong();
      const offsetDelta = this.varint();
      if (this.skipNullable()) hasNullKey = true;
      this.skipNullable();
      this.skipHeaders(recordEnd);
      if (this.pos !== recordEnd) this.fail("bad-value", `record length ${length} but its fields take ${this.pos - bodyAt}`, at);

      if (offsetDelta !== i && offsetDeltaMismatchAt < 0) {
        offsetDeltaMismatchAt = i;
        mismatchedOffsetDelta = offsetDelta;
      }
      const timestamp = logAppendTime ? baseTimestamp : baseTimestamp + timestampDelta;
      if ((now - timestamp > beforeMaxMs || timestamp - now > afterMaxMs) && timestampOutOfRangeAt < 0) {
        timestampOutOfRangeAt = i;
        outOfRangeTimestamp = timestamp;
        outOfRangeOffsetDelta = offsetDelta;
      }
    }
    if (this.pos !== this.end) this.fail("bad-value", `${this.end - this.pos} bytes after the batch's ${count} records`);
    return { offsetDeltaMismatchAt, mismatchedOffsetDelta, hasNullKey, timestampOutOfRangeAt, outOfRangeTimestamp, outOfRangeOffsetDelta };
  }
}
