// Shared pieces of the Delta tests: a lake in a temporary directory, a record-shaped lake schema,
// small Parquet data files and their DataFile descriptions.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { FileLakeStore } from "../../src/lake/file-store.ts";
import type { DataFile, LakeField, LakeSchema } from "../../src/lake/types.ts";

export interface TempLake {
  readonly dir: string;
  readonly store: FileLakeStore;
  remove(): void;
}

export function tempLake(): TempLake {
  const dir = mkdtempSync(join(tmpdir(), "delta-lake-"));
  return { dir, store: new FileLakeStore(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const recordFields: readonly LakeField[] = [
  { id: 1, name: "partition", required: true, type: { kind: "int" } },
  { id: 2, name: "offset", required: true, type: { kind: "long" } },
  { id: 3, name: "timestamp", required: true, type: { kind: "timestamptz" } },
  { id: 4, name: "value", required: false, type: { kind: "string" } },
];

export const recordSchema: LakeSchema = { schemaId: 0, fields: recordFields, lastColumnId: 4 };

/** The record schema with an optional column added (schema evolution). */
export const evolvedSchema: LakeSchema = {
  schemaId: 1,
  fields: [...recordFields, { id: 5, name: "source", required: false, type: { kind: "string" }, doc: "producing service" }],
  lastColumnId: 5,
};

export interface KafkaRecord {
  readonly partition: number;
  readonly offset: bigint;
  /** Microseconds since the epoch. */
  readonly timestamp: bigint;
  readonly value: string | null;
}

/** A Parquet data file of records, written like the lake's writer would, and its DataFile. */
export function recordFile(path: string, records: readonly KafkaRecord[], partitionDay?: number): { bytes: Uint8Array; file: DataFile } {
  const bytes = new Uint8Array(
    parquetWriteBuffer({
      schema: [
        { name: "schema", num_children: 4 },
        { name: "partition", type: "INT32", repetition_type: "REQUIRED", field_id: 1 },
        { name: "offset", type: "INT64", repetition_type: "REQUIRED", field_id: 2 },
        { name: "timestamp", type: "INT64", repetition_type: "REQUIRED", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" }, field_id: 3 },
        { name: "value", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL", field_id: 4 },
      ],
      columnData: [
        { name: "partition", data: records.map((r) => r.partition) },
        { name: "offset", data: records.map((r) => r.offset) },
        { name: "timestamp", data: records.map((r) => r.timestamp) },
        { name: "value", data: records.map((r) => r.value) },
      ],
    }),
  );
  const values = records.map((r) => r.value).filter((v): v is string => v !== null).sort();
  const offsets = records.map((r) => r.offset).sort((a, b) => (a < b ? -1 : 1));
  const stamps = records.map((r) => r.timestamp).sort((a, b) => (a < b ? -1 : 1));
  const partitions = records.map((r) => r.partition).sort((a, b) => a - b);
  const file: DataFile = {
    path,
    sizeInBytes: bytes.byteLength,
    recordCount: records.length,
    columnStats: new Map([
      [1, { nullCount: 0, min: partitions[0], max: partitions.at(-1) }],
      [2, { nullCount: 0, min: offsets[0], max: offsets.at(-1) }],
      [3, { nullCount: 0, min: stamps[0], max: stamps.at(-1) }],
      [4, { nullCount: records.length - values.length, min: values[0], max: values.at(-1) }],
    ]),
    ...(partitionDay === undefined ? {} : { partitionDay }),
  };
  return { bytes, file };
}

/** Records of one Kafka partition at consecutive offsets, one millisecond apart from a start time. */
export function records(partition: number, firstOffset: bigint, count: number, startMicros = 1_700_000_000_000_000n): KafkaRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    partition,
    offset: firstOffset + BigInt(i),
    timestamp: startMicros + BigInt(i) * 1000n,
    value: i % 3 === 2 ? null : `v-${partition}-${firstOffset + BigInt(i)}`,
  }));
}
