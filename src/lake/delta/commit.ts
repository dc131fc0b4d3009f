// Committing version v+1 of a table loaded at version v: write `_delta_log/<v+1>.json` only if it is
// absent. When it exists another writer committed first; the caller reloads (its bookmark may show
// the data already written) and retries. Every `checkpointInterval` versions a checkpoint follows.

import { writeCheckpoint } from "./checkpoint-write.ts";
import { commitActions, DEFAULT_CHECKPOINT_INTERVAL, type DeltaCommit } from "./commit-actions.ts";
import { toJson } from "./json.ts";
import { commitFile, inTable } from "./log-files.ts";
import { Reconciliation } from "./snapshot.ts";
import { type DeltaTable, deltaTable } from "./table.ts";
import type { LakeStore } from "../store.ts";

export { DEFAULT_CHECKPOINT_INTERVAL, type DeltaCommit };

export type DeltaCommitResult =
  | { readonly kind: "committed"; readonly table: DeltaTable; readonly checkpointError?: string }
  | { readonly kind: "conflict" };

/**
 * Commits on top of `base` (null to create the table). Throws DeltaTableError when the table cannot
 * take the commit (partitioned by other columns, a data file listed twice, clashing column names).
 */
export async function commitDelta(store: LakeStore, tablePath: string, base: DeltaTable | null, commit: DeltaCommit): Promise<DeltaCommitResult> {
  const now = Date.now();
  const version = base === null ? 0 : base.version + 1;
  const actions = commitActions(base, commit, now);
  const body = new TextEncoder().encode(actions.map((action) => toJson(action)).join("\n"));
  if ((await store.putIfAbsent(inTable(tablePath, commitFile(version)), body)) === "exists") return { kind: "conflict" };

  const reconciliation = new Reconciliation(base?.snapshot);
  for (const action of actions) reconciliation.apply(action);
  const table = deltaTable(reconciliation.snapshot(version), commit.topic);
  const interval = commit.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
  if (interval > 0 && version > 0 && version % interval === 0) {
    try {
      await writeCheckpoint(store, tablePath, table.snapshot);
    } catch (e) {
      return { kind: "committed", table, checkpointError: e instanceof Error ? e.message : String(e) };
    }
  }
  return { kind: "committed", table };
}
