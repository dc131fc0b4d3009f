// A topic's schema → the table's columns, before field ids are settled. The record's Kafka
// metadata is one struct column, __kafka; the value's top-level fields are the other columns (a
// value that is not a record, object or message is one column named `value`, as is the raw value
// of a topic whose schema describes only the key).

import type { TopicSchema } from "../schema/types.ts";
import { mapPart, type MappedPart } from "./map-part.ts";
import { field, Ids } from "./map-shared.ts";
import type { LakeField, LakeType } from "./types.ts";

export const KAFKA_COLUMN = "__kafka";
export const VALUE_COLUMN = "value";

export interface MappedTopic {
  /** __kafka, then the value's columns; provisional ids. */
  readonly fields: readonly LakeField[];
  /** null: the key column holds the key's bytes. */
  readonly key: MappedPart | null;
  /** null: the value column holds the value's bytes. */
  readonly value: MappedPart | null;
  /** Whether the value's fields are columns, rather than the value being one column. */
  readonly spread: boolean;
}

function kafkaColumn(ids: Ids, key: LakeType): LakeField {
  const header: LakeType = { kind: "struct", fields: [field(ids.next(), "key", true, { kind: "string" }), field(ids.next(), "value", false, { kind: "binary" })] };
  return field(ids.next(), KAFKA_COLUMN, true, {
    kind: "struct",
    fields: [
      field(ids.next(), "partition", true, { kind: "int" }),
      field(ids.next(), "offset", true, { kind: "long" }),
      field(ids.next(), "timestamp", true, { kind: "timestamptz" }),
      field(ids.next(), "key", false, key),
      field(ids.next(), "headers", false, { kind: "list", elementId: ids.next(), elementRequired: true, element: header }),
    ],
  });
}

export function mapTopic(topic: TopicSchema): { kind: "mapped"; mapped: MappedTopic } | { kind: "error"; message: string } {
  const ids = new Ids();
  const key = topic.key === null ? null : mapPart(topic.key, ids);
  const value = topic.value === null ? null : mapPart(topic.value, ids);
  const kafka = kafkaColumn(ids, key?.type ?? { kind: "binary" });
  if (value === null) return { kind: "mapped", mapped: { fields: [kafka, field(ids.next(), VALUE_COLUMN, false, { kind: "binary" })], key, value, spread: false } };
  if (value.type.kind !== "struct") {
    return { kind: "mapped", mapped: { fields: [kafka, field(ids.next(), VALUE_COLUMN, !value.optional, value.type)], key, value, spread: false } };
  }
  if (value.type.fields.some((f) => f.name === KAFKA_COLUMN)) {
    return { kind: "error", message: `the value schema of ${topic.location} has a field named ${KAFKA_COLUMN}: that column name is reserved for the record's Kafka metadata` };
  }
  // a value that may be null leaves every column null
  const columns = value.optional ? value.type.fields.map((f) => ({ ...f, required: false })) : value.type.fields;
  return { kind: "mapped", mapped: { fields: [kafka, ...columns], key, value, spread: true } };
}
