// A manifest: one Avro `manifest_entry` per data file (table spec, "Manifests"), with the field
// ids the spec assigns. A commit's new entries leave their sequence numbers null, so they inherit
// the sequence number the manifest list gives the manifest when the commit lands.

import type { DataFile, LakeSchema } from "../types.ts";
import { readAvroFile, writeAvroFile } from "./avro-file.ts";
import { serializeBound } from "./bounds.ts";
import { manifestEntrySchema } from "./manifest-schema.ts";
import type { PartitionSpec } from "./partition.ts";
import { toIcebergSchema } from "./schema.ts";

type Pair<V> = { key: number; value: V };

function dataFileRecord(file: DataFile, location: string, schema: LakeSchema, spec: PartitionSpec) {
  const valueCounts: Pair<bigint>[] = [];
  const nullCounts: Pair<bigint>[] = [];
  const lower: Pair<Buffer>[] = [];
  const upper: Pair<Buffer>[] = [];
  for (const field of schema.fields) {
    const stats = file.columnStats.get(field.id);
    if (stats === undefined || field.type.kind === "struct" || field.type.kind === "list" || field.type.kind === "map") continue;
    valueCounts.push({ key: field.id, value: BigInt(file.recordCount) });
    nullCounts.push({ key: field.id, value: BigInt(stats.nullCount) });
    const min = stats.min === undefined ? null : serializeBound(field.type, stats.min, "lower");
    const max = stats.max === undefined ? null : serializeBound(field.type, stats.max, "upper");
    if (min !== null) lower.push({ key: field.id, value: Buffer.from(min) });
    if (max !== null) upper.push({ key: field.id, value: Buffer.from(max) });
  }
  return {
    content: 0,
    file_path: location,
    file_format: "PARQUET",
    partition: Object.fromEntries(spec.fields.map((f) => [f.name, file.partitionDay ?? null])),
    record_count: BigInt(file.recordCount),
    file_size_in_bytes: BigInt(file.sizeInBytes),
    column_sizes: null,
    value_counts: valueCounts,
    null_value_counts: nullCounts,
    nan_value_counts: null,
    lower_bounds: lower,
    upper_bounds: upper,
    key_metadata: null,
    split_offsets: null,
    equality_ids: null,
    sort_order_id: null,
  };
}

export const EXISTING = 0;
export const ADDED = 1;
export const DELETED = 2;

/** A `data_file` as read: the fields this writer's schema has, as avsc decodes them. */
export interface DataFileRecord {
  readonly content: number;
  readonly record_count: bigint;
  readonly partition: Readonly<Record<string, number | null>>;
  readonly [field: string]: unknown;
}

export interface ManifestEntry {
  readonly status: number;
  readonly snapshot_id: bigint | null;
  readonly sequence_number: bigint | null;
  readonly file_sequence_number: bigint | null;
  readonly data_file: DataFileRecord;
}

/** The entries of a manifest written with `spec`; fields this writer does not know are dropped. */
export async function readManifestEntries(bytes: Uint8Array, spec: PartitionSpec): Promise<ManifestEntry[]> {
  return (await readAvroFile(bytes, manifestEntrySchema(spec))).records as ManifestEntry[];
}

export function writeManifestEntries(schema: LakeSchema, spec: PartitionSpec, entries: readonly ManifestEntry[]): Promise<Uint8Array> {
  return writeAvroFile(manifestEntrySchema(spec), entries, {
    schema: JSON.stringify(toIcebergSchema(schema)),
    "schema-id": String(schema.schemaId),
    "partition-spec": JSON.stringify(spec.fields),
    "partition-spec-id": String(spec["spec-id"]),
    "format-version": "2",
    content: "data",
  });
}

export interface ManifestInput {
  readonly schema: LakeSchema;
  readonly spec: PartitionSpec;
  readonly snapshotId: bigint;
  /** Each data file with its full location. */
  readonly files: readonly { readonly file: DataFile; readonly location: string }[];
}

export function writeManifest({ schema, spec, snapshotId, files }: ManifestInput): Promise<Uint8Array> {
  const entries = files.map(({ file, location }) => ({
    status: ADDED,
    snapshot_id: snapshotId,
    sequence_number: null,
    file_sequence_number: null,
    data_file: dataFileRecord(file, location, schema, spec),
  }));
  return writeManifestEntries(schema, spec, entries);
}
