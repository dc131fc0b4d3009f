// Iceberg tables in a directory, read back by an independent reader (icebird): appends, schema
// evolution, the version hint, concurrent commits and the exactly-once bookmark.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { icebergLatestVersion, icebergMetadata, icebergRead } from "icebird";
import { FileLakeStore } from "../../src/lake/file-store.ts";
import { commitIceberg, IcebergError, loadIcebergTable, type IcebergCommit } from "../../src/lake/iceberg/index.ts";
import { parseJson, stringifyJson } from "../../src/lake/iceberg/json.ts";
import { object } from "../../src/lake/iceberg/json-read.ts";
import { asRead, rows, SCHEMA_0, SCHEMA_1, writeDataFile } from "./iceberg-fixture.ts";

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function lake(): Promise<{ root: string; store: FileLakeStore }> {
  const root = await mkdtemp(join(tmpdir(), "iceberg-"));
  roots.push(root);
  return { root, store: new FileLakeStore(root) };
}

const DAY = 19_700;
const commit = (c: Partial<IcebergCommit> & Pick<IcebergCommit, "expectedVersion">): IcebergCommit => ({
  schema: SCHEMA_0,
  partitionByDay: false,
  files: [],
  offsets: new Map(),
  topic: "orders",
  ...c,
});

describe("appends and schema evolution", () => {
  test("two appends, the second adding a column, read back by icebird", async () => {
    const { store } = await lake();
    const first = rows(3, DAY);
    const fileA = await writeDataFile(store, "orders", "data/a.parquet", SCHEMA_0, first);
    expect(await loadIcebergTable(store, "orders")).toBeNull();
    expect(await commitIceberg(store, "orders", commit({ expectedVersion: 0, files: [fileA], offsets: new Map([[0, first[2]!.offset]]) }))).toEqual({ kind: "committed", version: 1, hint: "written" });

    const loaded = await loadIcebergTable(store, "orders");
    expect(loaded?.version).toBe(1);
    expect(loaded?.schema).toEqual(SCHEMA_0);
    expect(loaded?.metadata.properties["tansu.topic"]).toBe("orders");

    const second = rows(2, DAY, 0, "n");
    const fileB = await writeDataFile(store, "orders", "data/b.parquet", SCHEMA_1, second);
    expect(await commitIceberg(store, "orders", commit({ expectedVersion: 1, schema: SCHEMA_1, files: [fileB], offsets: new Map([[0, second[1]!.offset]]) }))).toEqual({ kind: "committed", version: 2, hint: "written" });

    const tableUrl = store.location("orders");
    expect(await icebergLatestVersion({ tableUrl })).toBe("v2");
    const metadata = await icebergMetadata({ tableUrl });
    expect(metadata["current-schema-id"]).toBe(1);
    expect(metadata.schemas.map((s) => s["schema-id"])).toEqual([0, 1]);
    expect(metadata["last-column-id"]).toBe(7);
    expect(metadata["last-sequence-number"]).toBe(2);
    expect(await icebergRead({ tableUrl })).toEqual([...first.map((r) => ({ ...asRead(r, SCHEMA_0), note: undefined })), ...second.map((r) => asRead(r, SCHEMA_1))]);
    // The first version is still a complete table of the first schema.
    expect(await icebergRead({ tableUrl, metadataFileName: "v1.metadata.json" })).toEqual(first.map((r) => asRead(r, SCHEMA_0)));

    const evolved = await loadIcebergTable(store, "orders");
    expect(evolved?.schema).toEqual(SCHEMA_1);
    const snapshots = evolved?.metadata.snapshots ?? [];
    expect(snapshots.map((s) => s["sequence-number"])).toEqual([1, 2]);
    expect(snapshots[1]?.["parent-snapshot-id"]).toBe(snapshots[0]!["snapshot-id"]);
    expect(snapshots[1]?.summary).toMatchObject({ operation: "append", "added-data-files": "1", "added-records": "2", "total-data-files": "2", "total-records": "5" });
    expect(evolved?.metadata["metadata-log"].map((e) => e["metadata-file"])).toEqual([store.location("orders/metadata/v1.metadata.json")]);
    expect(evolved?.metadata.refs.main).toEqual({ "snapshot-id": snapshots[1]!["snapshot-id"], type: "branch" });
  });

  test("a known schema-id with other fields is refused", async () => {
    const { store } = await lake();
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 0 }))).kind).toBe("committed");
    const changed = { ...SCHEMA_1, schemaId: 0 };
    await expect(commitIceberg(store, "t", commit({ expectedVersion: 1, schema: changed }))).rejects.toThrow(IcebergError);
  });

  test("a day-partitioned commit needs each file's day", async () => {
    const { store } = await lake();
    const file = await writeDataFile(store, "t", "data/a.parquet", SCHEMA_0, rows(2, DAY));
    const { partitionDay: _, ...undated } = file;
    await expect(commitIceberg(store, "t", commit({ expectedVersion: 0, partitionByDay: true, files: [undated] }))).rejects.toThrow("partitionDay");
    expect(await loadIcebergTable(store, "t")).toBeNull();
  });

  test("snapshot ids keep all 63 bits through the metadata JSON", async () => {
    const { store } = await lake();
    for (let v = 0; v < 4; v++) expect((await commitIceberg(store, "t", commit({ expectedVersion: v }))).kind).toBe("committed");
    const table = await loadIcebergTable(store, "t");
    const ids = table?.metadata.snapshots.map((s) => s["snapshot-id"]) ?? [];
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id > 0n && id < 1n << 63n).toBe(true);
    const text = await Bun.file(join(new URL(store.location("t/metadata/v4.metadata.json")).pathname)).text();
    expect(text).toContain(`"current-snapshot-id":${ids[3]}`);
  });
});

describe("commits", () => {
  test("two commits on one version: exactly one lands, the other's manifests are removed", async () => {
    const { root, store } = await lake();
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 0 }))).kind).toBe("committed");
    const a = rows(2, DAY);
    const b = rows(3, DAY);
    const files = [await writeDataFile(store, "t", "data/a.parquet", SCHEMA_0, a), await writeDataFile(store, "t", "data/b.parquet", SCHEMA_0, b)];
    const results = await Promise.all(files.map((f, i) => commitIceberg(store, "t", commit({ expectedVersion: 1, files: [f], offsets: new Map([[0, BigInt(i)]]) }))));
    expect(results.map((r) => r.kind).sort()).toEqual(["committed", "conflict"]);
    const winner = results.findIndex((r) => r.kind === "committed");
    const table = await loadIcebergTable(store, "t");
    expect(table?.version).toBe(2);
    expect(table?.offsets).toEqual(new Map([[0, BigInt(winner)]]));
    expect(await icebergRead({ tableUrl: store.location("t") })).toEqual((winner === 0 ? a : b).map((r) => asRead(r, SCHEMA_0)));
    // v1's list, v2's list and v2's manifest: nothing of the losing commit is left.
    const avro = (await readdir(join(root, "t/metadata"))).filter((name) => name.endsWith(".avro"));
    expect(avro.length).toBe(3);
  });

  test("a commit on a version that is no longer current is a conflict", async () => {
    const { store } = await lake();
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 0 }))).kind).toBe("committed");
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 1 }))).kind).toBe("committed");
    expect(await commitIceberg(store, "t", commit({ expectedVersion: 1 }))).toEqual({ kind: "conflict" });
    expect(await commitIceberg(store, "t", commit({ expectedVersion: 0 }))).toEqual({ kind: "conflict" });
  });

  test("a commit that loses at the create removes the manifest files it wrote", async () => {
    const { root, store } = await lake();
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 0 }))).kind).toBe("committed");
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 1 }))).kind).toBe("committed");
    const avro = async () => (await readdir(join(root, "t/metadata"))).filter((name) => name.endsWith(".avro")).sort();
    const before = await avro();
    // A store that does not yet see version 2, as a writer that raced the winner would.
    const blind = Object.assign(Object.create(store) as FileLakeStore, { exists: async () => false });
    const file = await writeDataFile(store, "t", "data/late.parquet", SCHEMA_0, rows(1, DAY));
    expect(await commitIceberg(blind, "t", commit({ expectedVersion: 1, files: [file] }))).toEqual({ kind: "conflict" });
    expect(await avro()).toEqual(before);
  });

  test("the loader finds the newest version whatever the hint says", async () => {
    const { store } = await lake();
    for (let v = 0; v < 3; v++) expect((await commitIceberg(store, "t", commit({ expectedVersion: v }))).kind).toBe("committed");
    const hint = "t/metadata/version-hint.text";
    expect(new TextDecoder().decode((await store.get(hint)) ?? new Uint8Array())).toBe("3");
    for (const stale of ["1", "7", "not a number", ""]) {
      await store.put(hint, new TextEncoder().encode(stale));
      expect((await loadIcebergTable(store, "t"))?.version).toBe(3);
    }
    await store.delete(hint);
    expect((await loadIcebergTable(store, "t"))?.version).toBe(3);
    // A commit based on what the loader found works, and puts the hint right again.
    expect(await commitIceberg(store, "t", commit({ expectedVersion: 3 }))).toEqual({ kind: "committed", version: 4, hint: "written" });
    expect(await icebergLatestVersion({ tableUrl: store.location("t") })).toBe("v4");
  });
});

describe("the exactly-once bookmark", () => {
  test("each snapshot holds every partition's last offset; commits name only the partitions they move", async () => {
    const { store } = await lake();
    const steps: [number, bigint][][] = [[[0, 10n], [1, 20n]], [[1, 30n]], [[2, 5n]]];
    for (const [v, offsets] of steps.entries()) expect((await commitIceberg(store, "t", commit({ expectedVersion: v, offsets: new Map(offsets) }))).kind).toBe("committed");
    const table = await loadIcebergTable(store, "t");
    expect(table?.offsets).toEqual(new Map([[0, 10n], [1, 30n], [2, 5n]]));
    const current = table?.metadata.snapshots.at(-1)?.summary ?? {};
    expect(Object.entries(current).filter(([k]) => k.startsWith("tansu.offset."))).toEqual([["tansu.offset.0", "10"], ["tansu.offset.1", "30"], ["tansu.offset.2", "5"]]);
  });

  test("another writer's snapshot without a bookmark leaves the last one in force; its other keys are kept", async () => {
    const { store } = await lake();
    const file = await writeDataFile(store, "t", "data/a.parquet", SCHEMA_0, rows(2, DAY));
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 0, files: [file], offsets: new Map([[0, 41n]]) }))).kind).toBe("committed");
    // Version 2 as another tool would write it: a new snapshot of the same manifests, no bookmark.
    const v1 = object(parseJson(new TextDecoder().decode((await store.get("t/metadata/v1.metadata.json")) ?? new Uint8Array())), "v1");
    const [ours] = v1.snapshots as Record<string, unknown>[];
    const foreign = { ...ours, "snapshot-id": 7n, "parent-snapshot-id": ours!["snapshot-id"], "sequence-number": 2, summary: { operation: "replace" } };
    const v2 = { ...v1, "last-sequence-number": 2, "current-snapshot-id": 7n, snapshots: [ours, foreign], refs: { main: { "snapshot-id": 7n, type: "branch" } }, statistics: [] };
    expect(await store.putIfAbsent("t/metadata/v2.metadata.json", new TextEncoder().encode(stringifyJson(v2)))).toBe("created");

    expect((await loadIcebergTable(store, "t"))?.offsets).toEqual(new Map([[0, 41n]]));
    expect((await commitIceberg(store, "t", commit({ expectedVersion: 2, offsets: new Map([[1, 3n]]) }))).kind).toBe("committed");
    const table = await loadIcebergTable(store, "t");
    expect(table?.offsets).toEqual(new Map([[0, 41n], [1, 3n]]));
    expect(table?.metadata.snapshots.at(-1)?.["parent-snapshot-id"]).toBe(7n);
    expect(table?.metadata.others).toEqual({ statistics: [] });
    expect(await icebergRead({ tableUrl: store.location("t") })).toHaveLength(2);
  });
});
