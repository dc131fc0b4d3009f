// A manifest: one Avro `manifest_entry` per data file a commit adds (table spec, "Manifests"),
// with the field ids the spec assigns. New entries leave their sequence numbers null, so they
// inherit the sequence number the manifest list gives the manifest when the commit lands.

import type { DataFile, LakeSchema } from "../types.ts";
import { writeAvroFile, type AvroSchema } from "./avro-file.ts";
import { serializeBound } from "./bounds.ts";
import type { PartitionSpec } from "./partition.ts";
import { toIcebergSchema } from "./schema.ts";

const optional = (name: string, fieldId: number, type: AvroSchema): AvroSchema => ({ name, type: ["null", type], default: null, "field-id": fieldId });
const required = (name: string, fieldId: number, type: AvroSchema): AvroSchema => ({ name, type, "field-id": fieldId });

/** map<int, V> as the spec stores maps with non-string keys: an array of key/value records. */
function intMap(name: string, fieldId: number, keyId: number, valueId: number, value: string): AvroSchema {
  const entry = { type: "record", name: `k${keyId}_v${valueId}`, fields: [required("key", keyId, "int"), required("value", valueId, value)] };
  return optional(name, fieldId, { type: "array", logicalType: "map", items: entry });
}

export function manifestEntrySchema(spec: PartitionSpec): AvroSchema {
  const partition = { type: "record", name: "r102", fields: spec.fields.map((f) => optional(f.name, f["field-id"], "int")) };
  const dataFile = {
    type: "record",
    name: "r2",
    fields: [
      required("content", 134, "int"),
      required("file_path", 100, "string"),
      required("file_format", 101, "string"),
      required("partition", 102, partition),
      required("record_count", 103, "long"),
      required("file_size_in_bytes", 104, "long"),
      intMap("column_sizes", 108, 117, 118, "long"),
      intMap("value_counts", 109, 119, 120, "long"),
      intMap("null_value_counts", 110, 121, 122, "long"),
      intMap("nan_value_counts", 137, 138, 139, "long"),
      intMap("lower_bounds", 125, 126, 127, "bytes"),
      intMap("upper_bounds", 128, 129, 130, "bytes"),
      optional("key_metadata", 131, "bytes"),
      optional("split_offsets", 132, { type: "array", items: "long", "element-id": 133 }),
      optional("equality_ids", 135, { type: "array", items: "int", "element-id": 136 }),
      optional("sort_order_id", 140, "int"),
    ],
  };
  return {
    type: "record",
    name: "manifest_entry",
    fields: [required("status", 0, "int"), optional("snapshot_id", 1, "long"), optional("sequence_number", 3, "long"), optional("file_sequence_number", 4, "long"), required("data_file", 2, dataFile)],
  };
}

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

export interface ManifestInput {
  readonly schema: LakeSchema;
  readonly spec: PartitionSpec;
  readonly snapshotId: bigint;
  /** Each data file with its full location. */
  readonly files: readonly { readonly file: DataFile; readonly location: string }[];
}

export function writeManifest({ schema, spec, snapshotId, files }: ManifestInput): Promise<Uint8Array> {
  const entries = files.map(({ file, location }) => ({
    status: 1,
    snapshot_id: snapshotId,
    sequence_number: null,
    file_sequence_number: null,
    data_file: dataFileRecord(file, location, schema, spec),
  }));
  return writeAvroFile(manifestEntrySchema(spec), entries, {
    schema: JSON.stringify(toIcebergSchema(schema)),
    "schema-id": String(schema.schemaId),
    "partition-spec": JSON.stringify(spec.fields),
    "partition-spec-id": String(spec["spec-id"]),
    "format-version": "2",
    content: "data",
  });
}
