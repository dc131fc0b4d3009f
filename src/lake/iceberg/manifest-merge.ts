// Manifest merging on commit (commit.manifest-merge.enabled): each bin merge-plan.ts picks becomes
// one new manifest. Entries of earlier snapshots are carried over with status EXISTING and their
// original snapshot id and data and file sequence numbers written out, since only ADDED entries
// may inherit them (table spec, "Sequence Number Inheritance"). This commit's own entries stay
// ADDED and inherit its sequence number. DELETED entries are dropped: this commit deletes nothing,
// so they all belong to earlier snapshots. The merged-away manifests stay in storage, because the
// older snapshots still kept list them.

import type { LakeSchema } from "../types.ts";
import type { LakeStore } from "../store.ts";
import { IcebergError } from "./errors.ts";
import { manifestPath } from "./layout.ts";
import { ADDED, DELETED, EXISTING, readManifestEntries, writeManifestEntries, type ManifestEntry } from "./manifest.ts";
import { intFieldSummary, type ManifestFile } from "./manifest-list.ts";
import { planMerge } from "./merge-plan.ts";
import type { PartitionSpec } from "./partition.ts";
import type { TableSettings } from "./properties.ts";
import { readTableFile, tableFilePath } from "./table-file.ts";

export interface MergeInput {
  readonly table: string;
  /** The table's location: its manifests are under it. */
  readonly location: string;
  /** The new snapshot's manifests in list order, this commit's own (if any) last. */
  readonly manifests: readonly ManifestFile[];
  readonly schema: LakeSchema;
  readonly specs: readonly PartitionSpec[];
  readonly snapshotId: bigint;
  readonly sequenceNumber: number;
  readonly settings: TableSettings;
}

export interface MergeResult {
  readonly manifests: ManifestFile[];
  /** The merged manifests, for the commit to remove again if it loses. */
  readonly written: string[];
  /** How many manifests of earlier snapshots the merged ones replace. */
  readonly replaced: number;
}

function carried(entry: ManifestEntry, from: ManifestFile, snapshotId: bigint): ManifestEntry | null {
  if (entry.status === DELETED) return null;
  const addedBy = entry.snapshot_id ?? from.added_snapshot_id;
  if (entry.status === ADDED && addedBy === snapshotId) return entry;
  return {
    status: EXISTING,
    snapshot_id: addedBy,
    sequence_number: entry.sequence_number ?? from.sequence_number,
    file_sequence_number: entry.file_sequence_number ?? from.sequence_number,
    data_file: entry.data_file,
  };
}

function mergedManifest(location: string, length: number, spec: PartitionSpec, entries: readonly ManifestEntry[], input: MergeInput): ManifestFile {
  const sequenceNumber = BigInt(input.sequenceNumber);
  const added = entries.filter((e) => e.status === ADDED);
  const existing = entries.filter((e) => e.status === EXISTING);
  const rows = (list: readonly ManifestEntry[]) => list.reduce((n, e) => n + e.data_file.record_count, 0n);
  const dataSequenceNumbers = entries.map((e) => e.sequence_number ?? sequenceNumber);
  return {
    manifest_path: location,
    manifest_length: BigInt(length),
    partition_spec_id: spec["spec-id"],
    content: 0,
    sequence_number: sequenceNumber,
    min_sequence_number: dataSequenceNumbers.reduce((min, n) => (n < min ? n : min), sequenceNumber),
    added_snapshot_id: input.snapshotId,
    added_files_count: added.length,
    existing_files_count: existing.length,
    deleted_files_count: 0,
    added_rows_count: rows(added),
    existing_rows_count: rows(existing),
    deleted_rows_count: 0n,
    partitions: spec.fields.map((f) => intFieldSummary(entries.map((e) => e.data_file.partition[f.name] ?? null))),
    key_metadata: null,
  };
}

export async function mergeManifests(store: LakeStore, input: MergeInput): Promise<MergeResult> {
  const specs = new Map(input.specs.map((s) => [s["spec-id"], s]));
  // manifest-schema.ts writes partition values as ints: right for the day transform only.
  const mergeable = (m: ManifestFile) => m.content === 0 && specs.get(m.partition_spec_id)?.fields.every((f) => f.transform === "day") === true;
  const manifests: ManifestFile[] = [];
  const written: string[] = [];
  let replaced = 0;
  for (const step of planMerge(input.manifests, mergeable, input.settings)) {
    if (step.kind === "keep") {
      manifests.push(step.manifest);
      continue;
    }
    const spec = specs.get(step.manifests[0]?.partition_spec_id ?? -1);
    if (spec === undefined) throw new IcebergError("a merged manifest's partition spec is not in the table");
    const read = await Promise.all(step.manifests.map(async (m) => readManifestEntries(await readTableFile(store, input.table, input.location, m.manifest_path, "manifest"), spec)));
    const entries = step.manifests.flatMap((m, i) => (read[i] ?? []).flatMap((e) => carried(e, m, input.snapshotId) ?? []));
    const path = manifestPath(input.table, crypto.randomUUID());
    const bytes = await writeManifestEntries(input.schema, spec, entries);
    written.push(path);
    await store.put(path, bytes);
    manifests.push(mergedManifest(store.location(path), bytes.byteLength, spec, entries, input));
    for (const m of step.manifests) {
      // This commit's own manifest is now listed nowhere.
      if (m.added_snapshot_id === input.snapshotId) await store.delete(tableFilePath(input.table, input.location, m.manifest_path));
      else replaced++;
    }
  }
  return { manifests, written, replaced };
}
