// A batch as PostgreSQL stores it: header columns in tansu.batch, one tansu.record row per record
// (as COPY data), and the produced bytes only when the rows cannot rebuild them exactly. The
// common batch is settled by copy-batch.ts without decoding its records; for any other, whether
// the rows reproduce it is not guessed: the batch is rebuilt from exactly what would be stored and
// compared byte for byte.

import type { AppendBatch } from "../engine.ts";
import { DecodeError } from "../../protocol/primitives.ts";
import { decodeBatch, readBatchHeader, type KafkaRecord } from "../../protocol/records/index.ts";
import { copyRowsFromBatch } from "./copy-batch.ts";
import { MAX_ROW_TIMESTAMP, prepareCopyRows, type PreparedRows } from "./copy-rows.ts";
import { rebuildBatch, type BatchColumns, type RecordRow, type StoredHeader } from "./rebuild.ts";

export interface BatchRows {
  columns: BatchColumns;
  /** The records as COPY rows, offsets and topic id still to patch; null when there are none. */
  copy: PreparedRows | null;
  /** The produced batch, when the rows alone would not reproduce it. */
  bytes: Uint8Array | null;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Rows with offsets relative to the batch (baseOffset 0); the append adds the real baseOffset. */
export function batchRows({ bytes, meta }: AppendBatch, partition: number): BatchRows {
  const header = readBatchHeader(bytes);
  const columns: BatchColumns = {
    baseOffset: 0,
    size: bytes.byteLength,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    attributes: header.attributes,
    lastOffsetDelta: header.lastOffsetDelta,
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: meta.maxTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    recordCount: header.recordCount,
  };
  const copy = copyRowsFromBatch(bytes, header, meta.maxTimestamp, partition);
  if (copy !== null) return { columns, copy, bytes: null };
  let decoded: KafkaRecord[];
  try {
    decoded = decodeBatch(bytes, { verifyCrc: false }).records;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { columns, copy: null, bytes: bytes.slice() };
  }
  const records = decoded.map(recordRow);
  const rows = records.length === 0 ? null : prepareCopyRows(partition, records);
  if (header.codec !== "none") return { columns, copy: rows, bytes: bytes.slice() };
  return { columns, copy: rows, bytes: rebuildsExactly(bytes, columns, records) ? null : bytes.slice() };
}

function recordRow(r: KafkaRecord): RecordRow {
  const timestamp = Math.max(-MAX_ROW_TIMESTAMP, Math.min(MAX_ROW_TIMESTAMP, r.timestamp));
  const headers = r.headers.length === 0 ? null : r.headers.map((h): StoredHeader => ({ key: jsonSafe(h.key), value: h.value === null ? null : jsonSafe(utf8.decode(h.value)) }));
  return { offset: r.offsetDelta, timestamp, key: r.key, value: r.value, headers };
}

/** jsonb cannot hold U+0000; such headers are stored lossily and the batch keeps its bytes. */
function jsonSafe(s: string): string {
  return s.includes("\u0000") ? s.replaceAll("\u0000", "\ufffd") : s;
}

/** True when rebuilding from the rows gives the produced bytes (baseOffset aside). */
function rebuildsExactly(bytes: Uint8Array, columns: BatchColumns, records: readonly RecordRow[]): boolean {
  const rebuilt = rebuildBatch(columns, records);
  if (rebuilt.byteLength !== bytes.byteLength) return false;
  const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset + 8, b.byteLength - 8);
  return view(rebuilt).equals(view(bytes));
}
