// The next metadata version: the base version (or a new table) with the commit's schema, partition
// spec and snapshot. A schema keeps its schema-id forever, so a known id with other fields is an
// error; a new id is appended to `schemas` and becomes current. Partition specs are reused when
// equivalent, else added; the new snapshot becomes the `main` branch's head. Expired snapshots
// leave `snapshots` and `snapshot-log`, and `metadata-log` keeps the newest
// write.metadata.previous-versions-max entries.

import type { LakeSchema } from "../types.ts";
import { IcebergError } from "./errors.ts";
import type { Snapshot, TableMetadata } from "./metadata.ts";
import { chooseSpec, NO_PARTITION_ID, wantedFields, type PartitionSpec } from "./partition.ts";
import type { TableSettings } from "./properties.ts";
import { retainedSnapshots, trimSnapshotLog } from "./retention.ts";
import { fromIcebergSchema, toIcebergSchema, type IcebergSchema } from "./schema.ts";

/** Table property naming the Kafka topic the table is written from. */
export const TOPIC_PROPERTY = "tansu.topic";

export interface TableShape {
  readonly schemas: readonly IcebergSchema[];
  readonly lastColumnId: number;
  readonly specs: readonly PartitionSpec[];
  /** The spec the commit's files are written with. */
  readonly spec: PartitionSpec;
  readonly lastPartitionId: number;
}

export function tableShape(base: TableMetadata | null, schema: LakeSchema, partitionByDay: boolean): TableShape {
  const json = toIcebergSchema(schema);
  const known = base?.schemas.find((s) => s["schema-id"] === schema.schemaId);
  if (known !== undefined && JSON.stringify(toIcebergSchema(fromIcebergSchema(known, 0))) !== JSON.stringify(json)) {
    throw new IcebergError(`schema ${schema.schemaId} differs from the table's schema ${schema.schemaId}; a changed schema needs a new schema-id`);
  }
  const chosen = chooseSpec(base?.["partition-specs"] ?? [], base?.["last-partition-id"] ?? NO_PARTITION_ID, wantedFields(schema, partitionByDay));
  return {
    schemas: base === null ? [json] : known === undefined ? [...base.schemas, json] : base.schemas,
    lastColumnId: Math.max(base?.["last-column-id"] ?? 0, schema.lastColumnId),
    specs: chosen.specs,
    spec: chosen.spec,
    lastPartitionId: chosen.lastPartitionId,
  };
}

export interface NextMetadataInput {
  /** The base version and where its file is, or null for a new table. */
  readonly base: { readonly metadata: TableMetadata; readonly file: string } | null;
  readonly location: string;
  readonly shape: TableShape;
  readonly schemaId: number;
  readonly snapshot: Snapshot;
  readonly topic: string;
  /** The base version's settings (the defaults for a new table). */
  readonly settings: TableSettings;
}

export function nextMetadata({ base, location, shape, schemaId, snapshot, topic, settings }: NextMetadataInput): TableMetadata {
  const before = base?.metadata;
  const now = snapshot["timestamp-ms"];
  const metadataLog = base === null ? [] : [...base.metadata["metadata-log"], { "timestamp-ms": base.metadata["last-updated-ms"], "metadata-file": base.file }];
  const refs = { ...before?.refs, main: { ...before?.refs.main, "snapshot-id": snapshot["snapshot-id"], type: "branch" } };
  const snapshots = [...(before?.snapshots ?? []), snapshot];
  const kept = retainedSnapshots(snapshots, refs, settings, now);
  return {
    "format-version": 2,
    "table-uuid": before?.["table-uuid"] ?? crypto.randomUUID(),
    location: before?.location ?? location,
    "last-sequence-number": snapshot["sequence-number"],
    "last-updated-ms": now,
    "last-column-id": shape.lastColumnId,
    schemas: shape.schemas,
    "current-schema-id": schemaId,
    "partition-specs": shape.specs,
    "default-spec-id": shape.spec["spec-id"],
    "last-partition-id": shape.lastPartitionId,
    properties: { ...before?.properties, [TOPIC_PROPERTY]: topic },
    "current-snapshot-id": snapshot["snapshot-id"],
    snapshots: snapshots.filter((s) => kept.has(s["snapshot-id"])),
    "snapshot-log": trimSnapshotLog([...(before?.["snapshot-log"] ?? []), { "timestamp-ms": now, "snapshot-id": snapshot["snapshot-id"] }], kept),
    "metadata-log": metadataLog.slice(-settings.previousVersionsMax),
    "sort-orders": before?.["sort-orders"] ?? [{ "order-id": 0, fields: [] }],
    "default-sort-order-id": before?.["default-sort-order-id"] ?? 0,
    refs,
    others: before?.others ?? {},
  };
}
