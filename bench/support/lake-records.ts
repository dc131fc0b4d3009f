// The lake benchmark's records: an Avro schema file (key string, value an Event record of about
// 90 bytes, so key + value ≈ 100 bytes) and the records as record batches for producing and as
// plain key/value bytes for writing Parquet in process.

import avro from "avsc";
import { encodeBatch } from "../../src/protocol/records/index.ts";

const EVENTS = ["page_view", "click", "add_to_cart", "purchase"];
const EVENT = {
  type: "record" as const,
  name: "Event",
  fields: [
    { name: "id", type: "long" },
    { name: "user", type: "string" },
    { name: "event", type: "string" },
    { name: "ts", type: { type: "long" as const, logicalType: "timestamp-millis" } },
    { name: "amount", type: "double" },
    { name: "note", type: "string" },
  ],
};

/** The topic's schema file (TOPIC.avsc in the registry directory). */
export const SCHEMA_TEXT = JSON.stringify({ type: "record", name: "Record", fields: [{ name: "key", type: "string" }, { name: "value", type: EVENT }] });

const keyType = avro.Type.forSchema("string");
const valueType = avro.Type.forSchema(EVENT);
const NOTE = "n".repeat(58);

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export function keyValue(i: number): KeyValue {
  const event = { id: 100_000 + i, user: `user-${(i * 7919) % 1000}`, event: EVENTS[i % 4]!, ts: 1_700_000_000_000 + i * 37, amount: ((i * 31) % 10_000) / 100, note: NOTE };
  return { key: new Uint8Array(keyType.toBuffer(`k-${i % 1000}`)), value: new Uint8Array(valueType.toBuffer(event)) };
}

/** Records `from` … `from + count - 1`. */
export const keyValues = (from: number, count: number): KeyValue[] => Array.from({ length: count }, (_, k) => keyValue(from + k));

/** The records cut into record batches of `perBatch` (the last may be shorter). */
export function batches(records: readonly KeyValue[], perBatch: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < records.length; i += perBatch) out.push(encodeBatch(records.slice(i, i + perBatch)));
  return out;
}

export const meanBytes = (records: readonly KeyValue[]): number => records.reduce((n, r) => n + r.key.length + r.value.length, 0) / Math.max(1, records.length);
