// An Iceberg table that a broker commits to many times stays bounded: manifests are merged once
// a manifest list would reach commit.manifest.min-count-to-merge, old snapshots and metadata-log
// entries are expired, and readers (icebird, and DuckDB over the data files the current
// snapshot's manifests list) still see every row exactly once, with the bookmark intact.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { icebergManifests, icebergMetadata } from "icebird";
import { FileLakeStore } from "../../src/lake/file-store.ts";
import { commitIceberg, loadIcebergTable, type IcebergTable } from "../../src/lake/iceberg/index.ts";
import { parseJson, stringifyJson } from "../../src/lake/iceberg/json.ts";
import { object } from "../../src/lake/iceberg/json-read.ts";
import { readManifestList, type ManifestFile } from "../../src/lake/iceberg/manifest-list.ts";
import { currentSnapshot } from "../../src/lake/iceberg/metadata.ts";
import { duckdbTable, icebergTable } from "../e2e/lake-support.ts";
import { rows, SCHEMA_0, writeDataFile, type TestRow } from "./iceberg-fixture.ts";

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function lake(): Promise<{ root: string; store: FileLakeStore }> {
  const root = await mkdtemp(join(tmpdir(), "iceberg-bounded-"));
  roots.push(root);
  return { root, store: new FileLakeStore(root) };
}

const DAY = 19_700;
const key = (partition: number, offset: bigint | number | string) => `${partition}/${offset}`;

/** What the current snapshot's manifest list holds (read with the writer's own reader). */
async function currentList(store: FileLakeStore, table: IcebergTable): Promise<ManifestFile[]> {
  const list = currentSnapshot(table.metadata)?.["manifest-list"] ?? "";
  return readManifestList((await store.get(`t/metadata/${list.split("/").at(-1)}`)) ?? new Uint8Array());
}

/** As the exporter does: load, write a data file of the rows, commit them with their bookmark. */
async function exportRows(store: FileLakeStore, file: string, batch: readonly TestRow[], partitionByDay = false): Promise<IcebergTable> {
  const table = await loadIcebergTable(store, "t");
  const data = await writeDataFile(store, "t", `data/${file}.parquet`, SCHEMA_0, batch);
  const last = batch.at(-1)!;
  const result = await commitIceberg(store, "t", { expectedVersion: table?.version ?? 0, schema: SCHEMA_0, partitionByDay, files: [data], offsets: new Map([[last.partition, last.offset]]), topic: "orders" });
  expect(result.kind).toBe("committed");
  return (await loadIcebergTable(store, "t"))!;
}

/** A new metadata version with more table properties and refs, as another tool would write it. */
async function alterTable(store: FileLakeStore, properties: Record<string, string>, refs: Record<string, unknown> = {}): Promise<void> {
  const table = (await loadIcebergTable(store, "t"))!;
  const path = `t/metadata/v${table.version}.metadata.json`;
  const json = object(parseJson(new TextDecoder().decode((await store.get(path))!)), "metadata");
  const metadataLog = [...(json["metadata-log"] as unknown[]), { "timestamp-ms": json["last-updated-ms"], "metadata-file": store.location(path) }];
  const next = { ...json, properties: { ...object(json.properties, "properties"), ...properties }, refs: { ...object(json.refs, "refs"), ...refs }, "metadata-log": metadataLog };
  expect(await store.putIfAbsent(`t/metadata/v${table.version + 1}.metadata.json`, new TextEncoder().encode(stringifyJson(next)))).toBe("created");
}

describe("a table committed to 250 times with the default properties", () => {
  test("the manifest list stays below 100, 100 snapshots are kept, every row is read exactly once", async () => {
    const { store } = await lake();
    const written: TestRow[] = [];
    const bookmark = new Map<number, bigint>();
    /** Per data file: the snapshot that added it and that snapshot's sequence number. */
    const addedBy = new Map<string, { snapshotId: bigint; sequenceNumber: bigint }>();
    const listLengths: number[] = [];
    let merges = 0;
    let table: IcebergTable | undefined;
    for (let i = 0; i < 250; i++) {
      const batch = rows(2, DAY, i % 3);
      table = await exportRows(store, `f${i}`, batch);
      written.push(...batch);
      bookmark.set(i % 3, batch[1]!.offset);
      expect(table.offsets).toEqual(bookmark);
      const snapshot = currentSnapshot(table.metadata)!;
      addedBy.set(store.location(`t/data/f${i}.parquet`), { snapshotId: snapshot["snapshot-id"], sequenceNumber: BigInt(snapshot["sequence-number"]) });
      listLengths.push((await currentList(store, table)).length);
      if (snapshot.summary["manifests-replaced"] !== "0") merges++;
    }
    // 99 manifests, then the 100th commit merges them into one: at commits 100 and 199.
    expect(Math.max(...listLengths)).toBe(99);
    expect(merges).toBe(2);
    expect(listLengths.at(-1)).toBe(52);

    const metadata = table!.metadata;
    expect(metadata.snapshots).toHaveLength(100);
    expect(metadata["snapshot-log"].map((e) => e["snapshot-id"])).toEqual(metadata.snapshots.map((s) => s["snapshot-id"]));
    expect(metadata["metadata-log"]).toHaveLength(100);
    expect(metadata.snapshots[0]?.["sequence-number"]).toBe(151);
    expect(currentSnapshot(metadata)?.summary).toMatchObject({ "total-data-files": "250", "total-records": "500" });

    const tableUrl = store.location("t");
    const read = await icebergTable(tableUrl);
    const expected = written.map((r) => key(r.partition, r.offset)).sort();
    const kafka = (row: Record<string, unknown>) => row.__kafka as { partition: number; offset: bigint | number | string };
    expect(read.rows.map((r) => key(kafka(r).partition, kafka(r).offset)).sort()).toEqual(expected);
    expect(read.files).toHaveLength(250);
    const duck = await duckdbTable(read.files.map((f) => fileURLToPath(f)));
    expect(duck.rows.map((r) => key(Number(kafka(r).partition), String(kafka(r).offset))).sort()).toEqual(expected);

    // Carried-over entries keep the snapshot and sequence numbers of the commit that added them.
    const entries = (await icebergManifests(await icebergMetadata({ tableUrl }))).flatMap((m) => m.entries);
    expect(entries.filter((e) => e.status === 0).length).toBe(198);
    for (const entry of entries) {
      const original = addedBy.get(entry.data_file.file_path)!;
      expect(entry.snapshot_id).toBe(original.snapshotId);
      expect(entry.sequence_number).toBe(original.sequenceNumber);
      expect(entry.file_sequence_number).toBe(original.sequenceNumber);
    }
  }, 20_000);
});

describe("the bounding properties", () => {
  test("low thresholds: merged counts and partition bounds, trimmed logs, old metadata deleted, a stale writer conflicts", async () => {
    const { root, store } = await lake();
    await exportRows(store, "first", rows(1, DAY), true);
    await alterTable(store, {
      "commit.manifest.min-count-to-merge": "4",
      "tansu.history.expire.max-snapshots-to-keep": "3",
      "write.metadata.previous-versions-max": "2",
      "write.metadata.delete-after-commit.enabled": "true",
    });
    let table = (await loadIcebergTable(store, "t"))!;
    const stale = table.version;
    for (let i = 1; i <= 3; i++) table = await exportRows(store, `f${i}`, rows(1, DAY + i), true);
    // Four manifests: the first three snapshots' and this commit's, merged into one.
    const [merged, ...rest] = await currentList(store, table);
    expect(rest).toEqual([]);
    const snapshot = currentSnapshot(table.metadata)!;
    expect(merged).toMatchObject({ added_snapshot_id: snapshot["snapshot-id"], sequence_number: 4n, min_sequence_number: 1n, added_files_count: 1, existing_files_count: 3, deleted_files_count: 0, added_rows_count: 1n, existing_rows_count: 3n });
    expect(merged?.partitions?.map((p) => [p.lower_bound?.readInt32LE(), p.upper_bound?.readInt32LE()])).toEqual([[DAY, DAY + 3]]);
    expect(snapshot.summary).toMatchObject({ "manifests-created": "1", "manifests-kept": "0", "manifests-replaced": "3", "total-data-files": "4" });

    expect(table.metadata.snapshots.map((s) => s["sequence-number"])).toEqual([2, 3, 4]);
    expect(table.metadata["snapshot-log"].map((e) => e["snapshot-id"])).toEqual(table.metadata.snapshots.map((s) => s["snapshot-id"]));
    expect(table.metadata["metadata-log"].map((e) => e["metadata-file"].split("/").at(-1))).toEqual(["v3.metadata.json", "v4.metadata.json"]);
    const versions = (await readdir(join(root, "t/metadata"))).filter((f) => f.endsWith(".metadata.json")).sort();
    expect(versions).toEqual(["v3.metadata.json", "v4.metadata.json", "v5.metadata.json"]);
    // Every snapshot still kept has its manifest list.
    for (const s of table.metadata.snapshots) expect(await store.exists(`t/metadata/${s["manifest-list"].split("/").at(-1)}`)).toBe(true);

    const late = await writeDataFile(store, "t", "data/late.parquet", SCHEMA_0, rows(1, DAY));
    expect(await commitIceberg(store, "t", { expectedVersion: stale, schema: SCHEMA_0, partitionByDay: true, files: [late], offsets: new Map(), topic: "orders" })).toEqual({ kind: "conflict" });
    expect((await icebergTable(store.location("t"))).rows).toHaveLength(4);
  });

  test("merging off: every manifest stays listed", async () => {
    const { store } = await lake();
    await exportRows(store, "first", rows(1, DAY));
    await alterTable(store, { "commit.manifest-merge.enabled": "false", "commit.manifest.min-count-to-merge": "2" });
    let table = (await loadIcebergTable(store, "t"))!;
    for (let i = 1; i < 6; i++) table = await exportRows(store, `f${i}`, rows(1, DAY));
    expect(await currentList(store, table)).toHaveLength(6);
  });

  test("min-snapshots-to-keep wins over the snapshot cap; a tagged snapshot stays", async () => {
    const { store } = await lake();
    const first = await exportRows(store, "first", rows(1, DAY));
    const tagged = currentSnapshot(first.metadata)!["snapshot-id"];
    await alterTable(store, { "tansu.history.expire.max-snapshots-to-keep": "2", "history.expire.min-snapshots-to-keep": "4" }, { audit: { "snapshot-id": tagged, type: "tag" } });
    let table = (await loadIcebergTable(store, "t"))!;
    for (let i = 1; i < 8; i++) table = await exportRows(store, `f${i}`, rows(1, DAY));
    expect(table.metadata.snapshots.map((s) => s["sequence-number"])).toEqual([1, 5, 6, 7, 8]);
    expect(table.metadata.refs.audit).toEqual({ "snapshot-id": tagged, type: "tag" });
    expect((await icebergTable(store.location("t"))).rows).toHaveLength(8);
  });
});
