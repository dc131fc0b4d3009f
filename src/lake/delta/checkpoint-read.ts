// Reading a classic checkpoint back into a snapshot. Any failure (missing, not Parquet, rows that do
// not decode, fewer actions than `_last_checkpoint` promised) makes the checkpoint unusable rather
// than the table unreadable: the loader then falls back to an older checkpoint or to the JSON log.

import { parquetReadObjects } from "hyparquet";
import { decodeAction } from "./decode.ts";
import { checkpointFile, inTable } from "./log-files.ts";
import { type DeltaSnapshot, Reconciliation } from "./snapshot.ts";
import type { LakeStore } from "../store.ts";

export async function readCheckpoint(store: LakeStore, tablePath: string, version: number, expectedSize?: number): Promise<DeltaSnapshot | undefined> {
  const path = inTable(tablePath, checkpointFile(version));
  const bytes = await store.get(path);
  if (bytes === null) return undefined;
  try {
    const file = new Uint8Array(bytes).buffer;
    const rows = await parquetReadObjects({ file });
    if (expectedSize !== undefined && rows.length !== expectedSize) return undefined;
    const reconciliation = new Reconciliation();
    rows.forEach((row, index) => {
      const action = decodeAction(row, `${path} row ${index}`);
      if (action !== undefined) reconciliation.apply(action);
    });
    return reconciliation.snapshot(version);
  } catch {
    return undefined;
  }
}
