// Day partitioning and the manifests' contents, checked with icebird's own Avro reader against
// the table spec: field ids in the files' schemas, key-value metadata, partition values that are
// day(__kafka.timestamp) of every row, partition summaries and column bounds in the binary
// single-value serialization.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { avroMetadata, avroRead, icebergRead } from "icebird";
import { FileLakeStore } from "../../src/lake/file-store.ts";
import { commitIceberg, icebergDay, loadIcebergTable } from "../../src/lake/iceberg/index.ts";
import { asRead, rows, SCHEMA_0, writeDataFile } from "./iceberg-fixture.ts";

let root = "";
afterAll(() => rm(root, { recursive: true, force: true }));

async function avroFile(store: FileLakeStore, location: string): Promise<{ metadata: Record<string, unknown>; records: Record<string, unknown>[] }> {
  const bytes = await Bun.file(new URL(location).pathname).arrayBuffer();
  expect(location.startsWith(store.location(""))).toBe(true);
  const reader = { view: new DataView(bytes), offset: 0 };
  const { metadata, syncMarker } = avroMetadata(reader);
  return { metadata, records: avroRead({ reader, metadata, syncMarker }) };
}

const le32 = (n: number): Uint8Array => new Uint8Array(Int32Array.of(n).buffer);
const le64 = (n: bigint): Uint8Array => new Uint8Array(BigInt64Array.of(n).buffer);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("partitioned by day", () => {
  test("files of two days: icebird reads them, the manifests follow the spec", async () => {
    root = await mkdtemp(join(tmpdir(), "iceberg-day-"));
    const store = new FileLakeStore(root);
    const day1 = rows(4, 19_700);
    const day2 = rows(3, 19_702);
    const files = [await writeDataFile(store, "t", "data/d1.parquet", SCHEMA_0, day1), await writeDataFile(store, "t", "data/d2.parquet", SCHEMA_0, day2)];
    const offsets = new Map([[0, day2[2]!.offset]]);
    expect((await commitIceberg(store, "t", { expectedVersion: 0, schema: SCHEMA_0, partitionByDay: true, files, offsets, topic: "t" })).kind).toBe("committed");
    expect(await icebergRead({ tableUrl: store.location("t") })).toEqual([...day1, ...day2].map((r) => asRead(r, SCHEMA_0)));

    const table = await loadIcebergTable(store, "t");
    expect(table?.partitionByDay).toBe(true);
    const metadata = table!.metadata;
    const spec = { "spec-id": 0, fields: [{ "source-id": 4, "field-id": 1000, name: "__kafka_timestamp_day", transform: "day" }] };
    expect(metadata["partition-specs"]).toEqual([spec]);
    expect(metadata["default-spec-id"]).toBe(0);
    expect(metadata["last-partition-id"]).toBe(1000);

    const snapshot = metadata.snapshots[0]!;
    expect(snapshot.summary["changed-partition-count"]).toBe("2");
    const list = await avroFile(store, snapshot["manifest-list"]);
    expect(list.records.length).toBe(1);
    const manifestFile = list.records[0]!;
    expect(manifestFile).toMatchObject({ partition_spec_id: 0, content: 0, sequence_number: 1n, min_sequence_number: 1n, added_snapshot_id: snapshot["snapshot-id"], added_files_count: 2, existing_files_count: 0, deleted_files_count: 0, added_rows_count: 7n });
    expect(manifestFile.partitions).toEqual([{ contains_null: false, contains_nan: undefined, lower_bound: le32(19_700), upper_bound: le32(19_702) }]);
    const listSchema = list.metadata["avro.schema"] as { fields: { name: string; "field-id": number }[] };
    expect(listSchema.fields.map((f) => [f.name, f["field-id"]])).toEqual([
      ["manifest_path", 500], ["manifest_length", 501], ["partition_spec_id", 502], ["content", 517], ["sequence_number", 515], ["min_sequence_number", 516], ["added_snapshot_id", 503],
      ["added_files_count", 504], ["existing_files_count", 505], ["deleted_files_count", 506], ["added_rows_count", 512], ["existing_rows_count", 513], ["deleted_rows_count", 514],
      ["partitions", 507], ["key_metadata", 519],
    ]);

    const manifest = await avroFile(store, manifestFile.manifest_path as string);
    expect(BigInt((await Bun.file(new URL(manifestFile.manifest_path as string).pathname).arrayBuffer()).byteLength)).toBe(manifestFile.manifest_length as bigint);
    expect(manifest.metadata).toMatchObject({ "schema-id": "0", "partition-spec": JSON.stringify(spec.fields), "partition-spec-id": "0", "format-version": "2", content: "data" });
    expect((manifest.metadata.schema as { fields: unknown[] }).fields.length).toBe(3);
    const entrySchema = manifest.metadata["avro.schema"] as { fields: { name: string; "field-id": number; type: { fields: { name: string; "field-id": number; type: unknown }[] } }[] };
    expect(entrySchema.fields.map((f) => [f.name, f["field-id"]])).toEqual([["status", 0], ["snapshot_id", 1], ["sequence_number", 3], ["file_sequence_number", 4], ["data_file", 2]]);
    const dataFile = entrySchema.fields[4]!.type.fields;
    expect(dataFile.map((f) => f["field-id"])).toEqual([134, 100, 101, 102, 103, 104, 108, 109, 110, 137, 125, 128, 131, 132, 135, 140]);
    expect(dataFile[3]!.type).toEqual({ type: "record", name: "r102", fields: [{ name: "__kafka_timestamp_day", type: ["null", "int"], default: null, "field-id": 1000 }] });

    for (const [i, entry] of manifest.records.entries()) {
      const written = [day1, day2][i]!;
      const file = entry.data_file as Record<string, unknown>;
      expect(entry).toMatchObject({ status: 1, snapshot_id: snapshot["snapshot-id"], sequence_number: undefined, file_sequence_number: undefined });
      expect(file).toMatchObject({ content: 0, file_path: store.location(`t/${files[i]!.path}`), file_format: "PARQUET", record_count: BigInt(written.length), file_size_in_bytes: BigInt(files[i]!.sizeInBytes) });
      // The spec's rule: every row of a file has the file's partition value.
      for (const row of written) expect(file.partition).toEqual({ __kafka_timestamp_day: icebergDay(row.timestamp) });
      expect(file.value_counts).toEqual([{ key: 5, value: BigInt(written.length) }, { key: 6, value: BigInt(written.length) }]);
      expect(file.null_value_counts).toEqual([{ key: 5, value: BigInt(written.filter((r) => r.name === null).length) }, { key: 6, value: BigInt(written.filter((r) => r.amount === null).length) }]);
      const names = written.flatMap((r) => (r.name === null ? [] : [r.name])).sort();
      const amounts = written.flatMap((r) => (r.amount === null ? [] : [r.amount])).sort((a, b) => (a < b ? -1 : 1));
      expect(file.lower_bounds).toEqual([{ key: 5, value: utf8(names[0]!) }, { key: 6, value: le64(amounts[0]!) }]);
      expect(file.upper_bounds).toEqual([{ key: 5, value: utf8(names.at(-1)!) }, { key: 6, value: le64(amounts.at(-1)!) }]);
    }
  });

  test("turning day partitioning off and on again reuses the equivalent spec and its field id", async () => {
    const store = new FileLakeStore(await mkdtemp(join(tmpdir(), "iceberg-spec-")));
    const base = { schema: SCHEMA_0, files: [], offsets: new Map<number, bigint>(), topic: "t" };
    for (const [v, partitionByDay] of [true, false, true].entries()) expect((await commitIceberg(store, "t", { ...base, expectedVersion: v, partitionByDay })).kind).toBe("committed");
    const table = await loadIcebergTable(store, "t");
    expect(table?.metadata["partition-specs"].map((s) => [s["spec-id"], s.fields.map((f) => f["field-id"])])).toEqual([[0, [1000]], [1, []]]);
    expect(table?.metadata["default-spec-id"]).toBe(0);
    expect(table?.metadata["last-partition-id"]).toBe(1000);
    expect(table?.partitionByDay).toBe(true);
  });
});
