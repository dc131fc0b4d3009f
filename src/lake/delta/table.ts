// What the exporter sees of a Delta table: its version, current lake schema, partitioning, and the
// exactly-once bookmark. The bookmark is one txn per Kafka partition, appId `<topic>-<partition>`
// (Kafka's own spelling of a topic partition), version = the last offset written for it.

import type { LakeSchema } from "../types.ts";
import { lakeSchemaFromDelta } from "./schema-from-delta.ts";
import type { DeltaSnapshot } from "./snapshot.ts";

/** The date column a table partitioned by day of record timestamp is partitioned by. */
export const PARTITION_COLUMN = "kafka_date";

export interface DeltaTable {
  readonly version: number;
  /** The table's columns without the partition column, ids as the exporter gave them. */
  readonly schema: LakeSchema;
  readonly partitionByDay: boolean;
  /** Kafka partition → last offset committed to the table. */
  readonly offsets: ReadonlyMap<number, bigint>;
  readonly snapshot: DeltaSnapshot;
}

export const appId = (topic: string, partition: number): string => `${topic}-${partition}`;

export function deltaTable(snapshot: DeltaSnapshot, topic: string): DeltaTable {
  const partitionByDay = snapshot.metaData.partitionColumns.includes(PARTITION_COLUMN);
  const offsets = new Map<number, bigint>();
  for (const { appId: id, version } of snapshot.txns.values()) {
    const partition = id.startsWith(`${topic}-`) ? id.slice(topic.length + 1) : "";
    if (/^\d+$/.test(partition)) offsets.set(Number(partition), version);
  }
  return {
    version: snapshot.version,
    schema: lakeSchemaFromDelta(snapshot.metaData, partitionByDay ? PARTITION_COLUMN : undefined),
    partitionByDay,
    offsets,
    snapshot,
  };
}
