// Snapshot ids and summaries. Besides the spec's metrics (Appendix F), an append's summary holds
// the exactly-once bookmark: "tansu.offset.<partition>" = the last Kafka offset the table holds for
// that partition, for every partition exported so far, so the current snapshot alone tells a
// restarted exporter where to continue.

import type { ManifestFile } from "./manifest-list.ts";
import type { Snapshot, TableMetadata } from "./metadata.ts";

export const OFFSET_PREFIX = "tansu.offset.";

/** A random positive 63-bit id that no snapshot of the table has. */
export function newSnapshotId(metadata: TableMetadata | null): bigint {
  const taken = new Set(metadata?.snapshots.map((s) => s["snapshot-id"]));
  for (;;) {
    const [random = 0n] = crypto.getRandomValues(new BigUint64Array(1));
    const id = BigInt.asUintN(63, random);
    if (id !== 0n && !taken.has(id)) return id;
  }
}

function offsetsOf(summary: Readonly<Record<string, string>>): Map<number, bigint> | null {
  const offsets = new Map<number, bigint>();
  for (const [key, value] of Object.entries(summary)) {
    if (!key.startsWith(OFFSET_PREFIX)) continue;
    const partition = key.slice(OFFSET_PREFIX.length);
    if (/^\d+$/.test(partition) && /^-?\d+$/.test(value)) offsets.set(Number(partition), BigInt(value));
  }
  return offsets.size === 0 ? null : offsets;
}

/** The bookmark of the newest snapshot that has one, walking back from the current snapshot. */
export function bookmark(metadata: TableMetadata): Map<number, bigint> {
  const byId = new Map(metadata.snapshots.map((s) => [s["snapshot-id"], s]));
  let snapshot: Snapshot | undefined = metadata["current-snapshot-id"] === undefined ? undefined : byId.get(metadata["current-snapshot-id"]);
  for (const seen = new Set<bigint>(); snapshot !== undefined && !seen.has(snapshot["snapshot-id"]); ) {
    seen.add(snapshot["snapshot-id"]);
    const offsets = offsetsOf(snapshot.summary);
    if (offsets !== null) return offsets;
    snapshot = snapshot["parent-snapshot-id"] === undefined ? undefined : byId.get(snapshot["parent-snapshot-id"]);
  }
  return new Map();
}

export interface AppendSummaryInput {
  readonly parent: Snapshot | undefined;
  readonly snapshotId: bigint;
  /** Every manifest of the new snapshot. */
  readonly manifests: readonly ManifestFile[];
  /** Manifests of earlier snapshots that merged ones replace. */
  readonly replacedManifests: number;
  readonly addedFiles: number;
  readonly addedRecords: number;
  readonly addedBytes: number;
  readonly changedPartitions: number;
  readonly offsets: ReadonlyMap<number, bigint>;
}

export function appendSummary(input: AppendSummaryInput): Record<string, string> {
  const data = input.manifests.filter((m) => m.content === 0);
  const files = data.reduce((n, m) => n + m.added_files_count + m.existing_files_count, 0);
  const records = data.reduce((n, m) => n + m.added_rows_count + m.existing_rows_count, 0n);
  const before = input.parent?.summary ?? {};
  const totalSize = input.parent === undefined ? "0" : before["total-files-size"];
  const created = input.manifests.filter((m) => m.added_snapshot_id === input.snapshotId).length;
  const summary: Record<string, string> = {
    operation: "append",
    "added-data-files": String(input.addedFiles),
    "added-records": String(input.addedRecords),
    "added-files-size": String(input.addedBytes),
    "changed-partition-count": String(input.changedPartitions),
    "total-data-files": String(files),
    "total-records": String(records),
    ...(totalSize === undefined || !/^\d+$/.test(totalSize) ? {} : { "total-files-size": String(BigInt(totalSize) + BigInt(input.addedBytes)) }),
    "total-delete-files": before["total-delete-files"] ?? "0",
    "total-position-deletes": before["total-position-deletes"] ?? "0",
    "total-equality-deletes": before["total-equality-deletes"] ?? "0",
    "manifests-created": String(created),
    "manifests-kept": String(input.manifests.length - created),
    "manifests-replaced": String(input.replacedManifests),
  };
  for (const [partition, offset] of [...input.offsets].sort(([a], [b]) => a - b)) summary[`${OFFSET_PREFIX}${partition}`] = String(offset);
  return summary;
}
