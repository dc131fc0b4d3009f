// The common batch goes from its bytes straight to COPY rows, without KafkaRecord and RecordRow
// objects and without the rebuild that batch-rows.ts uses to decide whether the rows reproduce the
// batch. Here that is decided while copying. rebuildBatch writes, from the batch's header columns,
// record attributes 0, minimal varints, the headers it is given and a fresh CRC; the CRC a batch
// arrives with is right (AppendBatch). So the rows reproduce a batch when it is uncompressed and
// CreateTime, its maxTimestamp is the one stored, its records fill it exactly, and every record has
// attributes 0, no headers, a timestamp a row holds, and only minimal varints. Any other batch
// gives null and takes the general path.

import { DecodeError, Reader } from "../../protocol/primitives.ts";
import { LOG_OVERHEAD, RECORDS_AT, type BatchHeader } from "../../protocol/records/header.ts";
import { MIN_RECORD_SIZE } from "../../protocol/records/record.ts";
import { COPY_HEADER_SIZE, COPY_TRAILER_SIZE, MAX_ROW_TIMESTAMP, ROW_FIXED_SIZE, writeCopyHeader, writeRowStart, type PreparedRows } from "./copy-rows.ts";

/** COPY rows for `batch` (whose header is `header`) when they reproduce it exactly, else null. */
export function copyRowsFromBatch(batch: Uint8Array, header: BatchHeader, maxTimestamp: number, partition: number): PreparedRows | null {
  if (header.codec !== "none" || header.timestampType !== "CreateTime" || header.maxTimestamp !== maxTimestamp) return null;
  const count = header.recordCount;
  const recordsSize = batch.byteLength - RECORDS_AT;
  if (batch.byteLength !== LOG_OVERHEAD + header.batchLength || count < 0 || count * MIN_RECORD_SIZE > recordsSize) return null;
  try {
    return new RowCopier(batch, header.baseTimestamp, partition, count).copy(recordsSize);
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
}

class RowCopier extends Reader {
  private readonly source: Buffer;
  /** Whether a varint so far was longer than it needs to be. */
  private padded = false;

  constructor(
    batch: Uint8Array,
    private readonly baseTimestamp: number,
    private readonly partition: number,
    private readonly count: number,
  ) {
    super(batch, RECORDS_AT);
    this.source = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  }

  /** The rows, or null at the first record the rows would not reproduce. */
  copy(recordsSize: number): PreparedRows | null {
    const { count, buf } = this;
    // keys and values take less than the records area, so this bounds the rows
    const out = new Uint8Array(COPY_HEADER_SIZE + count * ROW_FIXED_SIZE + recordsSize + COPY_TRAILER_SIZE);
    const view = new DataView(out.buffer);
    const rowStarts = new Int32Array(count);
    const offsetDeltas = new Int32Array(count);
    let at = writeCopyHeader(out);
    for (let i = 0; i < count; i++) {
      const length = this.minimalVarint();
      const bodyAt = this.pos;
      const recordEnd = bodyAt + length;
      if (length < 0 || length > this.end - bodyAt || buf[bodyAt] !== 0) return null;
      this.pos = bodyAt + 1;
      const timestampDelta = this.minimalVarlong();
      const offsetDelta = this.minimalVarint();
      const timestamp = this.baseTimestamp + timestampDelta;
      if (Math.abs(timestamp) > MAX_ROW_TIMESTAMP) return null;
      rowStarts[i] = at;
      offsetDeltas[i] = offsetDelta;
      at = writeRowStart(view, at, this.partition, timestamp);
      const keyLength = this.field(out, view, at, recordEnd);
      if (keyLength < -1) return null;
      at += 4 + Math.max(keyLength, 0);
      const valueLength = this.field(out, view, at, recordEnd);
      if (valueLength < -1) return null;
      at += 4 + Math.max(valueLength, 0);
      // no headers: a one-byte zero count, and a NULL jsonb
      if (this.pos >= recordEnd || buf[this.pos] !== 0) return null;
      this.pos++;
      view.setInt32(at, -1);
      at += 4;
      if (this.pos !== recordEnd || this.padded) return null;
    }
    if (this.pos !== this.end) return null;
    view.setInt16(at, -1);
    return { data: out.subarray(0, at + COPY_TRAILER_SIZE), rowStarts, offsetDeltas };
  }

  /** Copies a nullable bytes field as a COPY field at `at`; its length, or -2 if it is malformed. */
  private field(out: Uint8Array, view: DataView, at: number, recordEnd: number): number {
    const n = this.minimalVarint();
    if (n === -1) {
      view.setInt32(at, -1);
      return -1;
    }
    if (n < 0 || n > recordEnd - this.pos) return -2;
    view.setInt32(at, n);
    this.source.copy(out, at + 4, this.pos, this.pos + n);
    this.pos += n;
    return n;
  }

  // A varint is minimal when it is one byte or its last byte is not zero (Reader.varint and
  // varlong refuse bits beyond the value's width, so the bytes determine the value exactly).
  private minimalVarint(): number {
    const at = this.pos;
    const v = this.varint();
    if (this.pos - at > 1 && this.buf[this.pos - 1] === 0) this.padded = true;
    return v;
  }

  private minimalVarlong(): number {
    const at = this.pos;
    const v = this.varlong();
    if (this.pos - at > 1 && this.buf[this.pos - 1] === 0) this.padded = true;
    return v;
  }
}
