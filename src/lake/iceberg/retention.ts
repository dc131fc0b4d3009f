// Which snapshots a new metadata version keeps (table spec, "Snapshot Retention Policy"): each
// ref's snapshot, and for each branch its ancestors from the head back, while a snapshot is one of
// the branch's first min-snapshots-to-keep, or is younger than max-snapshot-age-ms and one of the
// first tansu.history.expire.max-snapshots-to-keep. Refs themselves are never removed here.
// The manifest lists and manifests of expired snapshots, and data files only they listed, stay
// in storage as orphans: kept snapshots share most manifests, so telling which ones no kept
// snapshot lists would mean reading every kept manifest list on each commit.

import type { Snapshot, SnapshotRef, TableMetadata } from "./metadata.ts";
import type { TableSettings } from "./properties.ts";

export function retainedSnapshots(snapshots: readonly Snapshot[], refs: Readonly<Record<string, SnapshotRef>>, settings: TableSettings, now: number): Set<bigint> {
  const byId = new Map(snapshots.map((s) => [s["snapshot-id"], s]));
  const kept = new Set<bigint>();
  for (const ref of Object.values(refs)) {
    kept.add(ref["snapshot-id"]);
    if (ref.type !== "branch") continue;
    const min = Math.max(1, ref["min-snapshots-to-keep"] ?? settings.minSnapshotsToKeep);
    const oldest = now - (ref["max-snapshot-age-ms"] ?? settings.maxSnapshotAgeMs);
    const young = (s: Snapshot, depth: number) => depth < settings.maxSnapshotsToKeep && s["timestamp-ms"] >= oldest;
    const walked = new Set<bigint>();
    for (let s = byId.get(ref["snapshot-id"]), depth = 0; s !== undefined && !walked.has(s["snapshot-id"]) && (depth < min || young(s, depth)); depth++) {
      walked.add(s["snapshot-id"]);
      kept.add(s["snapshot-id"]);
      s = s["parent-snapshot-id"] === undefined ? undefined : byId.get(s["parent-snapshot-id"]);
    }
  }
  return kept;
}

/** The snapshot log after the entry of the newest expired snapshot, as the spec asks. */
export function trimSnapshotLog(log: TableMetadata["snapshot-log"], kept: ReadonlySet<bigint>): TableMetadata["snapshot-log"] {
  const lastExpired = log.findLastIndex((e) => !kept.has(e["snapshot-id"]));
  return log.slice(lastExpired + 1);
}
