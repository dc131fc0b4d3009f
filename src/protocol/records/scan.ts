import { DecodeError, Reader } from "../primitives.ts";
import type { TimestampType } from "./attributes.ts";
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./compression/index.ts";
import { verifyBatchCrc } from "./crc.ts";
import { checkBatchLength, NO_TIMESTAMP, readBatchHeader, RECORD_COUNT_AT, RECORDS_AT, type BatchHeader } from "./header.ts";
import { MIN_RECORD_SIZE } from "./record.ts";

// Walks a batch's records without building them: the same structural checks as decodeBatch, in the
// same order and with the same DecodeErrors, but nothing allocated per record. Record layout is in
// record.ts. Alongside, it applies the per-record rules of Kafka's LogValidator (validateKey,
// validateTimestamp) and collects every record that breaks one.

/** The topic's timestamp rules (message.timestamp.type and its bounds). */
export interface TimestampRules {
  /** The topic's message.timestamp.type. */
  topicType: TimestampType;
  now: number;
  /** A CreateTime record is out of range when now - timestamp > beforeMaxMs … */
  beforeMaxMs: number;
  /** … or timestamp - now > afterMaxMs. */
  afterMaxMs: number;
}

export interface ScanRecordsOptions {
  /** Cap on the decompressed size of the records (default 64 MiB). */
  maxDecompressedBytes?: number;
  /** Every record needs a key (a compacted topic). */
  keyRequired?: boolean;
  /** Apply these timestamp rules; none if absent. */
  timestampRules?: TimestampRules;
}

export interface ScanBatchOptions extends ScanRecordsOptions {
  /** Check the CRC first (default true). */
  verifyCrc?: boolean;
}

/**
 * Why a record breaks a rule: no key where one is required; on a CreateTime topic, a timestamp
 * out of range; otherwise (a LogAppendTime topic, or a record without a timestamp) a batch that
 * claims LogAppendTime, which only the broker may set.
 */
export type RecordFaultKind = "no-key" | "timestamp-out-of-range" | "producer-log-append-time";

export interface RecordFault {
  /** The record's index in the batch (Kafka's batchIndex). */
  batchIndex: number;
  kind: RecordFaultKind;
  /** The record's timestamp (baseTimestamp + timestampDelta, or maxTimestamp under LogAppendTime). */
  timestamp: number;
}

export interface RecordsScan {
  /** Whether every record's offsetDelta is its index in the batch. */
  offsetDeltasInOrder: boolean;
  /** The largest record timestamp, -1 (no timestamp) for an empty batch. */
  maxTimestamp: number;
  /** Every record that breaks a rule, in batch order; at most one fault per record, the key's first. */
  faults: readonly RecordFault[];
}

const NO_FAULTS: readonly RecordFault[] = Object.freeze([]);

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
  if (header.codec === "none") return new RecordScanner(batch, RECORDS_AT, header, options).scan();
  const data = decompress(header.codec, batch.subarray(RECORDS_AT), options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, RECORDS_AT);
  try {
    return new RecordScanner(data, 0, header, options).scan();
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
    private readonly options: ScanRecordsOptions,
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
    const keyRequired = this.options.keyRequired === true;
    const rules = this.options.timestampRules;
    const createTimeTopic = rules?.topicType === "CreateTime";
    let offsetDeltasInOrder = true;
    let maxTimestamp = NO_TIMESTAMP;
    let faults: RecordFault[] | null = null;
    for (let i = 0; i < count; i++) {
      const at = this.pos;
      const length = this.varint();
      if (length < 0) this.fail("negative-length", `record length ${length}`, at);
      if (length > this.end - this.pos) this.fail("length-exceeds-frame", `record length ${length} with ${this.end - this.pos} bytes left`, at);
      const bodyAt = this.pos;
      const recordEnd = bodyAt + length;
      // attributes (int8): unused in v2, and Kafka does not check them
      if (this.pos >= this.end) this.fail("truncated", `needs 1 bytes, ${this.end - this.pos} left`);
      this.pos++;
      const timestampDelta = this.varlong();
      const offsetDelta = this.varint();
      const keyless = this.skipNullable();
      this.skipNullable();
      this.skipHeaders(recordEnd);
      if (this.pos !== recordEnd) this.fail("bad-value", `record length ${length} but its fields take ${this.pos - bodyAt}`, at);

      if (offsetDelta !== i) offsetDeltasInOrder = false;
      const timestamp = logAppendTime ? baseTimestamp : baseTimestamp + timestampDelta;
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      let kind: RecordFaultKind | null = null;
      if (keyRequired && keyless) kind = "no-key";
      else if (rules !== undefined) {
        // NO_TIMESTAMP is never out of range
        if (createTimeTopic && timestamp !== NO_TIMESTAMP) {
          if (rules.now - timestamp > rules.beforeMaxMs || timestamp - rules.now > rules.afterMaxMs) kind = "timestamp-out-of-range";
        } else if (logAppendTime) kind = "producer-log-append-time";
      }
      if (kind !== null) (faults ??= []).push({ batchIndex: i, kind, timestamp });
    }
    if (this.pos !== this.end) this.fail("bad-value", `${this.end - this.pos} bytes after the batch's ${count} records`);
    return { offsetDeltasInOrder, maxTimestamp, faults: faults ?? NO_FAULTS };
  }
}
