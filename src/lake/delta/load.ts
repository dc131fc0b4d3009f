// Finding a table's latest version. Start from the checkpoint `_last_checkpoint` names, else from the
// newest readable checkpoint in a listing of `_delta_log/`, else from version 0; then read the JSON
// commits after it one by one until the next version does not exist. Commits are created only if
// absent, so every commit read is complete, and the first missing version ends the log.

import { decodeAction } from "./decode.ts";
import { DeltaTableError } from "./error.ts";
import { parseJsonLines } from "./json.ts";
import { readCheckpoint } from "./checkpoint-read.ts";
import { readLastCheckpoint } from "./last-checkpoint.ts";
import { commitFile, inTable, LOG_DIR, parseLogFile } from "./log-files.ts";
import { assertWritable } from "./protocol.ts";
import { type DeltaSnapshot, Reconciliation } from "./snapshot.ts";
import { type DeltaTable, deltaTable } from "./table.ts";
import type { LakeStore } from "../store.ts";

async function replayFrom(store: LakeStore, tablePath: string, start: DeltaSnapshot | undefined): Promise<DeltaSnapshot | null> {
  const reconciliation = new Reconciliation(start);
  let version = start?.version ?? -1;
  for (;;) {
    const path = inTable(tablePath, commitFile(version + 1));
    const bytes = await store.get(path);
    if (bytes === null) break;
    let lines: unknown[];
    try {
      lines = parseJsonLines(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new DeltaTableError(`${path} is not newline-delimited JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const [index, line] of lines.entries()) {
      const action = decodeAction(line, `${path} line ${index + 1}`);
      if (action !== undefined) reconciliation.apply(action);
    }
    version += 1;
  }
  return version < 0 ? null : reconciliation.snapshot(version);
}

async function latestSnapshot(store: LakeStore, tablePath: string): Promise<DeltaSnapshot | null> {
  const hint = await readLastCheckpoint(store, tablePath);
  const hinted = hint === undefined ? undefined : await readCheckpoint(store, tablePath, hint.version, hint.size);
  if (hinted !== undefined) return replayFrom(store, tablePath, hinted);
  const prefix = `${inTable(tablePath, LOG_DIR)}/`;
  const files = (await store.list(prefix)).map((path) => parseLogFile(path.slice(prefix.length))).filter((file) => file !== undefined);
  const checkpoints = files.filter((file) => file.kind === "checkpoint" && file.version !== hint?.version).map((file) => file.version);
  for (const version of checkpoints.sort((a, b) => b - a)) {
    const snapshot = await readCheckpoint(store, tablePath, version);
    if (snapshot !== undefined) return replayFrom(store, tablePath, snapshot);
  }
  const commits = files.filter((file) => file.kind === "commit").map((file) => file.version);
  if (files.length > 0 && !commits.includes(0)) {
    throw new DeltaTableError(`Delta log at ${prefix} has no readable checkpoint and no version 0 to replay from`);
  }
  return replayFrom(store, tablePath, undefined);
}

/**
 * The table as the exporter of `topic` sees it, or null when there is none yet. Throws
 * DeltaTableError for a corrupt log or a table using Delta features this writer does not implement.
 */
export async function loadDeltaTable(store: LakeStore, tablePath: string, topic: string): Promise<DeltaTable | null> {
  const snapshot = await latestSnapshot(store, tablePath);
  if (snapshot === null) return null;
  assertWritable(snapshot.protocol);
  return deltaTable(snapshot, topic);
}
