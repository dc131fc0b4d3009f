// The manifest list of a snapshot: one Avro `manifest_file` per manifest (table spec, "Manifest
// Lists"). An append lists the parent snapshot's manifests plus its own new one, some of them
// merged (manifest-merge.ts).

import { readAvroFile, writeAvroFile, type AvroSchema } from "./avro-file.ts";
import type { DataFile } from "../types.ts";
import { intBound } from "./bounds.ts";
import { optional, required } from "./manifest-schema.ts";
import type { PartitionSpec } from "./partition.ts";

export interface FieldSummary {
  readonly contains_null: boolean;
  readonly contains_nan: boolean | null;
  readonly lower_bound: Buffer | null;
  readonly upper_bound: Buffer | null;
}

export interface ManifestFile {
  readonly manifest_path: string;
  readonly manifest_length: bigint;
  readonly partition_spec_id: number;
  /** 0: data, 1: deletes. */
  readonly content: number;
  readonly sequence_number: bigint;
  readonly min_sequence_number: bigint;
  readonly added_snapshot_id: bigint;
  readonly added_files_count: number;
  readonly existing_files_count: number;
  readonly deleted_files_count: number;
  readonly added_rows_count: bigint;
  readonly existing_rows_count: bigint;
  readonly deleted_rows_count: bigint;
  readonly partitions: readonly FieldSummary[] | null;
  readonly key_metadata: Buffer | null;
}

const fieldSummary = {
  type: "record",
  name: "r508",
  fields: [required("contains_null", 509, "boolean"), optional("contains_nan", 518, "boolean"), optional("lower_bound", 510, "bytes"), optional("upper_bound", 511, "bytes")],
};

export const MANIFEST_FILE_SCHEMA: AvroSchema = {
  type: "record",
  name: "manifest_file",
  fields: [
    required("manifest_path", 500, "string"),
    required("manifest_length", 501, "long"),
    required("partition_spec_id", 502, "int"),
    required("content", 517, "int"),
    required("sequence_number", 515, "long"),
    required("min_sequence_number", 516, "long"),
    required("added_snapshot_id", 503, "long"),
    required("added_files_count", 504, "int"),
    required("existing_files_count", 505, "int"),
    required("deleted_files_count", 506, "int"),
    required("added_rows_count", 512, "long"),
    required("existing_rows_count", 513, "long"),
    required("deleted_rows_count", 514, "long"),
    optional("partitions", 507, { type: "array", items: fieldSummary, "element-id": 508 }),
    optional("key_metadata", 519, "bytes"),
  ],
};

export async function readManifestList(bytes: Uint8Array): Promise<ManifestFile[]> {
  return (await readAvroFile(bytes, MANIFEST_FILE_SCHEMA)).records as ManifestFile[];
}

export function writeManifestList(manifests: readonly ManifestFile[], snapshotId: bigint, parentId: bigint | null, sequenceNumber: number): Promise<Uint8Array> {
  return writeAvroFile(MANIFEST_FILE_SCHEMA, manifests, {
    "snapshot-id": String(snapshotId),
    "parent-snapshot-id": parentId === null ? "null" : String(parentId),
    "sequence-number": String(sequenceNumber),
    "format-version": "2",
  });
}

export interface AddedManifest {
  readonly location: string;
  readonly length: number;
  readonly spec: PartitionSpec;
  readonly sequenceNumber: number;
  readonly snapshotId: bigint;
  readonly files: readonly DataFile[];
}

/** The summary of an int partition field (the day) over the values of a manifest's files. */
export function intFieldSummary(values: readonly (number | null)[]): FieldSummary {
  const present = values.filter((v) => v !== null);
  return {
    contains_null: present.length < values.length,
    contains_nan: null,
    lower_bound: present.length === 0 ? null : Buffer.from(intBound(present.reduce((a, b) => Math.min(a, b)))),
    upper_bound: present.length === 0 ? null : Buffer.from(intBound(present.reduce((a, b) => Math.max(a, b)))),
  };
}

/** The entry of a manifest a commit adds; with the day spec, its summary spans the files' days. */
export function addedManifest({ location, length, spec, sequenceNumber, snapshotId, files }: AddedManifest): ManifestFile {
  const days = files.map((f) => f.partitionDay ?? null);
  return {
    manifest_path: location,
    manifest_length: BigInt(length),
    partition_spec_id: spec["spec-id"],
    content: 0,
    sequence_number: BigInt(sequenceNumber),
    min_sequence_number: BigInt(sequenceNumber),
    added_snapshot_id: snapshotId,
    added_files_count: files.length,
    existing_files_count: 0,
    deleted_files_count: 0,
    added_rows_count: BigInt(files.reduce((n, f) => n + f.recordCount, 0)),
    existing_rows_count: 0n,
    deleted_rows_count: 0n,
    partitions: spec.fields.map(() => intFieldSummary(days)),
    key_metadata: null,
  };
}
