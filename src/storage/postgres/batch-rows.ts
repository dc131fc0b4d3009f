// A batch as PostgreSQL stores it: header columns in tansu.batch, one tansu.record row per record,
// and the produced bytes only when the rows cannot rebuild them exactly. Whether they can is not
// guessed: the batch is rebuilt from exactly what would be stored and compared byte for byte.

import type { AppendBatch } from "../engine.ts";
import { DecodeError } from "../../protocol/primitives.ts";
import { decodeBatch, readBatchHeader, type KafkaRecord } from "../../protocol/records/index.ts";
import { rebuildBatch, type BatchColumns, type RecordRow, type StoredHeader } from "./rebuild.ts";

export interface BatchRows {
  columns: BatchColumns;
  records: RecordRow[];
  /** The produced batch, when the rows alone would not reproduce it. */
  bytes: Uint8Array | null;
}

// timestamptz holds roughly ±290,000 years; Kafka timestamps outside are kept only in `bytes`.
const MAX_ROW_TIMESTAMP = 8_000_000_000_000_000;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Rows with offsets relative to the batch (baseOffset 0); the append adds the real baseOffset. */
export function batchRows({ bytes, meta }: AppendBatch): BatchRows {
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
  let decoded: KafkaRecord[];
  try {
    decoded = decodeBatch(bytes, { verifyCrc: false }).records;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { columns, records: [], bytes: bytes.slice() };
  }
  const records = decoded.map(recordRow);
  if (header.codec !== "none") return { columns, records, bytes: bytes.slice() };
  return { columns, records, bytes: rebuildsExactly(bytes, columns, records) ? null : bytes.slice() };
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
