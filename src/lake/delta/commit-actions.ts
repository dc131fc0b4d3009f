// The actions of the next commit: commitInfo; protocol and metaData for a new table, and again only
// when they change (protocol upgrade for timestamp_ntz, schema evolution); one txn per Kafka
// partition written; one add per data file. A table keeps the partitioning it was created with.

import type { Action, MetadataAction } from "./actions.ts";
import type { DataFile, LakeSchema } from "../types.ts";
import { addAction } from "./add.ts";
import { DeltaTableError } from "./error.ts";
import { toJson } from "./json.ts";
import { protocolToWrite } from "./protocol.ts";
import { deltaSchema, usesTimestampNtz } from "./schema-to-delta.ts";
import { LAST_COLUMN_ID, SCHEMA_ID } from "./schema-types.ts";
import { appId, type DeltaTable, PARTITION_COLUMN } from "./table.ts";

export const DEFAULT_CHECKPOINT_INTERVAL = 10;

export interface DeltaCommit {
  readonly topic: string;
  /** The table's schema after this commit: the loaded one, or it with optional columns added. */
  readonly schema: LakeSchema;
  /** Used when the commit creates the table; an existing table keeps its partitioning. */
  readonly partitionByDay: boolean;
  readonly files: readonly DataFile[];
  /** Kafka partition → last offset the files hold for it. */
  readonly offsets: ReadonlyMap<number, bigint>;
  /** Checkpoint after versions divisible by this (default 10; 0 never). */
  readonly checkpointInterval?: number;
}

function metaDataToWrite(base: DeltaTable | null, commit: DeltaCommit, partitionColumns: string[], now: number): MetadataAction | undefined {
  const schemaString = toJson(deltaSchema(commit.schema, partitionColumns[0]));
  const counters = { [SCHEMA_ID]: String(commit.schema.schemaId), [LAST_COLUMN_ID]: String(commit.schema.lastColumnId) };
  if (base === null) {
    const format = { provider: "parquet", options: {} };
    return { id: crypto.randomUUID(), format, schemaString, partitionColumns, configuration: counters, createdTime: now };
  }
  const current = base.snapshot.metaData;
  const unchanged = current.schemaString === schemaString && Object.entries(counters).every(([key, value]) => current.configuration[key] === value);
  return unchanged ? undefined : { ...current, schemaString, configuration: { ...current.configuration, ...counters } };
}

export function commitActions(base: DeltaTable | null, commit: DeltaCommit, now: number): Action[] {
  const partitionColumns = base === null ? (commit.partitionByDay ? [PARTITION_COLUMN] : []) : [...base.snapshot.metaData.partitionColumns];
  if (partitionColumns.some((column) => column !== PARTITION_COLUMN)) {
    throw new DeltaTableError(`Delta table is partitioned by ${partitionColumns.join(", ")}; the lake writer only fills ${PARTITION_COLUMN}`);
  }
  const paths = new Set(commit.files.map((file) => file.path));
  if (paths.size !== commit.files.length) throw new DeltaTableError("a Delta commit must not add one data file twice");

  const actions: Action[] = [
    {
      commitInfo: {
        timestamp: now,
        operation: "WRITE",
        operationParameters: { mode: "Append", partitionBy: toJson(partitionColumns) },
        isBlindAppend: true,
        engineInfo: "tansu",
      },
    },
  ];
  const protocol = protocolToWrite(base?.snapshot.protocol, usesTimestampNtz(commit.schema));
  if (protocol !== undefined) actions.push({ protocol });
  const metaData = metaDataToWrite(base, commit, partitionColumns, now);
  if (metaData !== undefined) actions.push({ metaData });
  for (const [partition, offset] of commit.offsets) {
    actions.push({ txn: { appId: appId(commit.topic, partition), version: offset, lastUpdated: now } });
  }
  for (const file of commit.files) actions.push({ add: addAction(file, commit.schema, partitionColumns[0], now) });
  return actions;
}
