// A topic's rows from its schema in the registry (lake/table-schema.ts, lake/rows.ts). A topic
// without a schema lands with its value as bytes; one whose schema cannot be read waits, logged
// once per message, until it can.

import type { Logger } from "../log.ts";
import type { SchemaRegistry } from "../schema/registry.ts";
import type { TopicSchema } from "../schema/types.ts";
import type { RowSource } from "./export-table.ts";
import { writeParquet } from "./parquet.ts";
import { toRow } from "./rows.ts";
import { tableSchema } from "./table-schema.ts";

const reported = new Set<string>();

export function rowSource(topicSchema: TopicSchema): RowSource {
  return {
    schema(previous) {
      const result = tableSchema(topicSchema, previous);
      return result.kind === "error" ? result : { kind: "ok", value: result.schema };
    },
    row(schema, partition, record) {
      const mapped = tableSchema(topicSchema, schema);
      if (mapped.kind === "error") return mapped;
      const row = toRow({ partition, offset: BigInt(record.offset), timestamp: BigInt(record.timestamp), key: record.key, value: record.value, headers: record.headers }, mapped.mapped);
      return row.kind === "error" ? row : { kind: "ok", value: row.row };
    },
    parquet(schema, rows, format) {
      const file = writeParquet(schema, rows, format === "delta" ? "delta" : "iceberg");
      return { bytes: file.bytes, file: { sizeInBytes: file.bytes.byteLength, recordCount: file.recordCount, columnStats: file.columnStats } };
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
