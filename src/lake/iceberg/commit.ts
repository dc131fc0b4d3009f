// One append to a table in a file-system/object-store catalog: write a manifest of the new data
// files and a manifest list (the parent's manifests plus the new one, merged as manifest-merge.ts
// decides), then create metadata/v<N+1>.metadata.json only if absent. Whoever creates it has
// committed; a writer that finds it taken lost the race and gets "conflict" (its manifest files
// are removed again) and should reload the table, which also tells it what the winner exported.
// Then the version hint is rewritten; if that fails the commit still stands, because loaders do
// not trust the hint.

import type { DataFile, LakeSchema } from "../types.ts";
import type { LakeStore } from "../store.ts";
import { IcebergError } from "./errors.ts";
import { stringifyJson } from "./json.ts";
import { inTable, manifestListPath, manifestPath, metadataPath, versionHintPath } from "./layout.ts";
import { readVersion } from "./load.ts";
import { writeManifest } from "./manifest.ts";
import { addedManifest, readManifestList, writeManifestList, type ManifestFile } from "./manifest-list.ts";
import { mergeManifests } from "./manifest-merge.ts";
import { currentSnapshot, metadataJson, type Snapshot, type TableMetadata } from "./metadata.ts";
import { nextMetadata, tableShape } from "./next-metadata.ts";
import { deleteDroppedMetadata } from "./old-metadata.ts";
import { tableSettings } from "./properties.ts";
import { appendSummary, bookmark, newSnapshotId } from "./snapshot.ts";
import { readTableFile } from "./table-file.ts";

export interface IcebergCommit {
  /** The version the commit is based on (IcebergTable.version), 0 to create the table. */
  readonly expectedVersion: number;
  /** The schema of the files; a schemaId the table lacks is added and becomes current. */
  readonly schema: LakeSchema;
  readonly partitionByDay: boolean;
  readonly files: readonly DataFile[];
  /** Last offset now in the table per Kafka partition; partitions left out keep their bookmark. */
  readonly offsets: ReadonlyMap<number, bigint>;
  readonly topic: string;
}

export type IcebergCommitResult = { kind: "committed"; version: number; hint: "written" | "failed" } | { kind: "conflict" };

async function parentManifests(store: LakeStore, table: string, base: TableMetadata | null, parent: Snapshot | undefined): Promise<ManifestFile[]> {
  if (base === null || parent === undefined) return [];
  return readManifestList(await readTableFile(store, table, base.location, parent["manifest-list"], `manifest list of snapshot ${parent["snapshot-id"]}`));
}

export async function commitIceberg(store: LakeStore, table: string, commit: IcebergCommit): Promise<IcebergCommitResult> {
  const version = commit.expectedVersion + 1;
  const base = commit.expectedVersion === 0 ? null : await readVersion(store, table, commit.expectedVersion);
  // Lost already: spare the manifest writes. The create below still decides races. (A base that
  // is gone was deleted after newer commits, so this also answers a writer based on it.)
  if (await store.exists(metadataPath(table, version))) return { kind: "conflict" };
  if (base === null && commit.expectedVersion !== 0) throw new IcebergError(`${metadataPath(table, commit.expectedVersion)} does not exist`);
  const settings = tableSettings(base?.properties ?? {});
  const shape = tableShape(base, commit.schema, commit.partitionByDay);
  const partitioned = shape.spec.fields.length > 0;
  const days = new Set(commit.files.map((f) => f.partitionDay));
  if (partitioned && ![...days].every((d) => d !== undefined && Number.isSafeInteger(d))) throw new IcebergError("a table partitioned by day needs partitionDay on every data file");
  const snapshotId = newSnapshotId(base);
  const sequenceNumber = (base?.["last-sequence-number"] ?? 0) + 1;
  const parent = base === null ? undefined : currentSnapshot(base);
  const manifests = await parentManifests(store, table, base, parent);
  const written: string[] = [];

  if (commit.files.length > 0) {
    const path = manifestPath(table, crypto.randomUUID());
    const files = commit.files.map((file) => ({ file, location: store.location(inTable(table, file.path)) }));
    const bytes = await writeManifest({ schema: commit.schema, spec: shape.spec, snapshotId, files });
    written.push(path);
    await store.put(path, bytes);
    manifests.push(addedManifest({ location: store.location(path), length: bytes.byteLength, spec: shape.spec, sequenceNumber, snapshotId, files: commit.files }));
  }
  const location = base?.location ?? store.location(table);
  const merged = await mergeManifests(store, { table, location, manifests, schema: commit.schema, specs: shape.specs, snapshotId, sequenceNumber, settings });
  written.push(...merged.written);
  const listPath = manifestListPath(table, snapshotId, crypto.randomUUID());
  written.push(listPath);
  await store.put(listPath, await writeManifestList(merged.manifests, snapshotId, parent?.["snapshot-id"] ?? null, sequenceNumber));

  const offsets = new Map([...(base === null ? [] : bookmark(base)), ...commit.offsets]);
  const snapshot: Snapshot = {
    "snapshot-id": snapshotId,
    ...(parent === undefined ? {} : { "parent-snapshot-id": parent["snapshot-id"] }),
    "sequence-number": sequenceNumber,
    "timestamp-ms": Math.max(Date.now(), base?.["last-updated-ms"] ?? 0),
    "manifest-list": store.location(listPath),
    summary: appendSummary({
      parent,
      snapshotId,
      manifests: merged.manifests,
      replacedManifests: merged.replaced,
      addedFiles: commit.files.length,
      addedRecords: commit.files.reduce((n, f) => n + f.recordCount, 0),
      addedBytes: commit.files.reduce((n, f) => n + f.sizeInBytes, 0),
      changedPartitions: partitioned ? days.size : Math.min(commit.files.length, 1),
      offsets,
    }),
    "schema-id": commit.schema.schemaId,
  };
  const baseFile = base === null ? null : { metadata: base, file: store.location(metadataPath(table, commit.expectedVersion)) };
  const metadata = nextMetadata({ base: baseFile, location, shape, schemaId: commit.schema.schemaId, snapshot, topic: commit.topic, settings });
  const created = await store.putIfAbsent(metadataPath(table, version), new TextEncoder().encode(stringifyJson(metadataJson(metadata))));
  if (created === "exists") {
    // Referenced by nothing: another writer's version N + 1 lists its own manifests.
    await Promise.allSettled(written.map((path) => store.delete(path)));
    return { kind: "conflict" };
  }
  if (settings.deleteAfterCommit && base !== null) await deleteDroppedMetadata(store, table, base, metadata);
  try {
    await store.put(versionHintPath(table), new TextEncoder().encode(String(version)));
    return { kind: "committed", version, hint: "written" };
  } catch {
    return { kind: "committed", version, hint: "failed" };
  }
}
