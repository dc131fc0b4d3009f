// Writing a classic checkpoint for a committed version, then pointing `_last_checkpoint` at it.
// Checkpoints are written only after their commit exists; two writers racing for one classic
// checkpoint write the same state, so the file is simply put (the last one wins).

import { parquetWriteBuffer } from "hyparquet-writer";
import type { Action } from "./actions.ts";
import { CHECKPOINT_COLUMNS, CHECKPOINT_SCHEMA } from "./checkpoint-schema.ts";
import { toJson } from "./json.ts";
import { checkpointFile, inTable, LAST_CHECKPOINT } from "./log-files.ts";
import { readLastCheckpoint } from "./last-checkpoint.ts";
import { checkpointActions, type DeltaSnapshot } from "./snapshot.ts";
import type { LakeStore } from "../store.ts";

type Row = Record<(typeof CHECKPOINT_COLUMNS)[number], Record<string, unknown> | null>;

const long = (value: number | undefined): bigint | null => (value === undefined ? null : BigInt(value));

function row(action: Action): Row {
  const empty: Row = { txn: null, add: null, remove: null, metaData: null, protocol: null };
  if ("txn" in action) return { ...empty, txn: { ...action.txn, lastUpdated: long(action.txn.lastUpdated) } };
  if ("add" in action) {
    const { add } = action;
    return { ...empty, add: { ...add, size: BigInt(add.size), modificationTime: BigInt(add.modificationTime) } };
  }
  if ("remove" in action) return { ...empty, remove: { ...action.remove, deletionTimestamp: long(action.remove.deletionTimestamp) } };
  if ("metaData" in action) return { ...empty, metaData: { ...action.metaData, createdTime: long(action.metaData.createdTime) } };
  if ("protocol" in action) return { ...empty, protocol: { ...action.protocol } };
  return empty;
}

/** The checkpoint file's bytes and how many actions it holds. */
function checkpointBytes(snapshot: DeltaSnapshot): { bytes: Uint8Array; size: number } {
  const rows = checkpointActions(snapshot).map(row);
  const columnData = CHECKPOINT_COLUMNS.map((name) => ({ name, data: rows.map((r) => r[name]) }));
  return { bytes: new Uint8Array(parquetWriteBuffer({ schema: CHECKPOINT_SCHEMA, columnData })), size: rows.length };
}

export async function writeCheckpoint(store: LakeStore, tablePath: string, snapshot: DeltaSnapshot): Promise<void> {
  const { bytes, size } = checkpointBytes(snapshot);
  await store.put(inTable(tablePath, checkpointFile(snapshot.version)), bytes);
  const last = await readLastCheckpoint(store, tablePath);
  if (last !== undefined && last.version >= snapshot.version) return;
  const pointer = toJson({ version: snapshot.version, size, sizeInBytes: bytes.byteLength, numOfAddFiles: snapshot.adds.size });
  await store.put(inTable(tablePath, LAST_CHECKPOINT), new TextEncoder().encode(pointer));
}
