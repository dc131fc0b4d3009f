// A Kafka record → one table row, laid out as map-topic.ts describes. A key or value that does not
// decode under the topic's schema is an error result naming the part and the reason.

import { KAFKA_COLUMN, type MappedTopic, VALUE_COLUMN } from "./map-topic.ts";
import type { MappedPart } from "./map-part.ts";
import type { LakeValue, Row } from "./types.ts";

export interface KafkaRecord {
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch. */
  readonly timestamp: bigint;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly { readonly key: string; readonly value: Uint8Array | null }[];
}

export type RowResult = { kind: "row"; row: Row } | { kind: "error"; message: string };

/** The headers column of every record without headers: shared, so frozen. */
const NO_HEADERS: readonly LakeValue[] = Object.freeze([]);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The part's value, or why the bytes do not decode. */
function read(part: MappedPart | null, bytes: Uint8Array | null, name: string): { value: LakeValue } | { error: string } {
  if (part === null || bytes === null) return { value: bytes };
  try {
    return { value: part.read(bytes) };
  } catch (e) {
    return { error: `${name}: ${message(e)}` };
  }
}

export function toRow(record: KafkaRecord, mapped: MappedTopic): RowResult {
  const key = read(mapped.key, record.key, "key");
  if ("error" in key) return { kind: "error", message: key.error };
  const value = read(mapped.value, record.value, "value");
  if ("error" in value) return { kind: "error", message: value.error };
  if (record.value === null && mapped.value !== null && !mapped.value.optional) return { kind: "error", message: "value: null, but the schema requires one" };
  const kafka: Row = {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp * 1000n,
    key: key.value,
    headers: record.headers.length === 0 ? NO_HEADERS : record.headers.map((h) => ({ key: h.key, value: h.value })),
  };
  if (!mapped.spread) return { kind: "row", row: { [KAFKA_COLUMN]: kafka, [VALUE_COLUMN]: value.value } };
  const fields = value.value as Row | null;
  const row: Record<string, LakeValue> = { [KAFKA_COLUMN]: kafka };
  for (const f of mapped.fields) if (f.name !== KAFKA_COLUMN) row[f.name] = fields === null ? null : (fields[f.name] ?? null);
  return { kind: "row", row };
}
