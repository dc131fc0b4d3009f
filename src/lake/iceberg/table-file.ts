// Files the table's metadata names by full location (manifest lists, manifests), read back
// through the lake store: only files under the table's own location are readable this way.

import type { LakeStore } from "../store.ts";
import { IcebergError } from "./errors.ts";
import { inTable } from "./layout.ts";

/** The lake path of `location`, a file under the table at `tableLocation`. */
export function tableFilePath(table: string, tableLocation: string, location: string): string {
  const prefix = `${tableLocation}/`;
  if (!location.startsWith(prefix)) throw new IcebergError(`${location} is outside the table's location ${tableLocation}`);
  return inTable(table, location.slice(prefix.length));
}

/** `what` names the file in the error when it is missing ("manifest list of snapshot 7"). */
export async function readTableFile(store: LakeStore, table: string, tableLocation: string, location: string, what: string): Promise<Uint8Array> {
  const bytes = await store.get(tableFilePath(table, tableLocation, location));
  if (bytes === null) throw new IcebergError(`${what} ${location} is missing`);
  return bytes;
}
