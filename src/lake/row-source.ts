// A topic's rows from its schema in the registry (lake/table-schema.ts, lake/rows.ts). A topic
// without a schema lands with its value as bytes; one whose schema cannot be read waits, logged
// once per message, until it can.

import type { Logger } from "../log.ts";
import type { SchemaRegistry } from "../schema/registry.ts";
import type { TopicSchema } from "../schema/types.ts";
import type { LakeSchema } from "./types.ts";
import type { RowSource } from "./export-table.ts";
import { writeParquet } from "./parquet.ts";
import { columnStats } from "./parquet-stats.ts";
import { mapTopic } from "./map-topic.ts";
import { toRow } from "./rows.ts";
import { evolve } from "./table-schema.ts";

const reported = new Set<string>();

export function rowSource(topicSchema: TopicSchema): RowSource {
  // the topic's columns do not depend on the table's schema (only their ids do): mapped once
  const mapped = mapTopic(topicSchema);
  let evolved: { previous: LakeSchema | null; schema: LakeSchema } | undefined;
  return {
    schema(previous) {
      if (mapped.kind === "error") return mapped;
      if (evolved?.previous !== previous) evolved = { previous, schema: evolve(mapped.mapped.fields, previous) };
      return { kind: "ok", value: evolved.schema };
    },
    row(partition, record) {
      if (mapped.kind === "error") return mapped;
      const row = toRow({ partition, offset: BigInt(record.offset), timestamp: BigInt(record.timestamp), key: record.key, value: record.value, headers: record.headers }, mapped.mapped);
      return row.kind === "error" ? row : { kind: "ok", value: row.row };
    },
    parquet(schema, rows, format) {
      const file = writeParquet(schema, rows, format === "delta" ? "delta" : "iceberg");
      // a plain Parquet table records no statistics
      const stats = format === "parquet" ? new Map() : columnStats(schema.fields, rows);
      return { bytes: file.bytes, file: { sizeInBytes: file.bytes.byteLength, recordCount: file.recordCount, columnStats: stats } };
    },
  };
}

export async function rowSourceFor(topic: string, schemas: SchemaRegistry | undefined, log: Logger): Promise<RowSource | null> {
  const lookup = schemas === undefined ? { kind: "none" as const } : await schemas.lookup(topic);
  if (lookup.kind === "schema") return rowSource(lookup.schema);
  if (lookup.kind === "none") return rowSource({ format: "avro", location: topic, key: null, value: null });
  const message = `${topic}: ${lookup.message}`;
  if (!reported.has(message)) {
    reported.add(message);
    log.warn("lake export waits: the topic's schema cannot be read", { topic, reason: lookup.message });
  }
  return null;
}
