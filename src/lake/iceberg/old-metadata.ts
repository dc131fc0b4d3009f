// write.metadata.delete-after-commit.enabled: after a commit, the metadata files that left
// metadata-log (write.metadata.previous-versions-max) are deleted. Snapshots name manifest lists,
// never metadata files, so no kept snapshot loses anything; a writer still based on a deleted
// version finds a newer one and gets a conflict. Only this table's own v<N>.metadata.json files
// are deleted, whatever else a foreign log names.

import type { LakeStore } from "../store.ts";
import { metadataPath, versionOf } from "./layout.ts";
import type { TableMetadata } from "./metadata.ts";

export async function deleteDroppedMetadata(store: LakeStore, table: string, base: TableMetadata, next: TableMetadata): Promise<void> {
  const listed = new Set(next["metadata-log"].map((e) => e["metadata-file"]));
  const dropped = base["metadata-log"].flatMap(({ "metadata-file": file }) => {
    const version = versionOf(file);
    return version !== null && !listed.has(file) && store.location(metadataPath(table, version)) === file ? [metadataPath(table, version)] : [];
  });
  await Promise.allSettled(dropped.map((path) => store.delete(path)));
}
