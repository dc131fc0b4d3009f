// The table properties that keep a table's metadata bounded, read from the table's `properties`
// with Iceberg's names and defaults; `tansu.history.expire.max-snapshots-to-keep` is ours, because
// a broker may commit every second and five days of snapshots would be ~430,000 of them.

import { IcebergError } from "./errors.ts";

export interface TableSettings {
  readonly manifestMergeEnabled: boolean;
  readonly minCountToMerge: number;
  readonly manifestTargetSizeBytes: number;
  readonly maxSnapshotAgeMs: number;
  readonly minSnapshotsToKeep: number;
  readonly maxSnapshotsToKeep: number;
  readonly previousVersionsMax: number;
  readonly deleteAfterCommit: boolean;
}

export const MAX_SNAPSHOTS_TO_KEEP = "tansu.history.expire.max-snapshots-to-keep";

function integer(properties: Readonly<Record<string, string>>, name: string, fallback: number, least: number): number {
  const value = properties[name];
  if (value === undefined) return fallback;
  const n = Number(value.trim());
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new IcebergError(`table property ${name} is ${JSON.stringify(value)}, not an integer`);
  return Math.max(least, n);
}

function flag(properties: Readonly<Record<string, string>>, name: string, fallback: boolean): boolean {
  const value = properties[name]?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (value !== "true" && value !== "false") throw new IcebergError(`table property ${name} is ${JSON.stringify(properties[name])}, not true or false`);
  return value === "true";
}

export function tableSettings(properties: Readonly<Record<string, string>>): TableSettings {
  return {
    manifestMergeEnabled: flag(properties, "commit.manifest-merge.enabled", true),
    minCountToMerge: integer(properties, "commit.manifest.min-count-to-merge", 100, 0),
    manifestTargetSizeBytes: integer(properties, "commit.manifest.target-size-bytes", 8 * 1024 * 1024, 1),
    maxSnapshotAgeMs: integer(properties, "history.expire.max-snapshot-age-ms", 5 * 24 * 60 * 60 * 1000, 0),
    minSnapshotsToKeep: integer(properties, "history.expire.min-snapshots-to-keep", 1, 1),
    maxSnapshotsToKeep: integer(properties, MAX_SNAPSHOTS_TO_KEEP, 100, 1),
    previousVersionsMax: integer(properties, "write.metadata.previous-versions-max", 100, 1),
    deleteAfterCommit: flag(properties, "write.metadata.delete-after-commit.enabled", false),
  };
}
