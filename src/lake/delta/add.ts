// DataFile → add action. Partition columns are not stored in Delta data files: readers take a file's
// partition values from its add action, so the data files need not carry the partition column.

import type { AddAction } from "./actions.ts";
import type { DataFile, LakeSchema } from "../types.ts";
import { statsJson } from "./stats.ts";
import { dateText } from "./values.ts";

/**
 * A table-relative path as the RFC 2396 URI Delta readers decode: each segment percent-encoded,
 * keeping "=" (legal in a path segment) so Hive-style `name=value` directories stay readable.
 */
export const uriPath = (path: string): string =>
  path
    .split("/")
    .map((segment) => encodeURIComponent(segment).replaceAll("%3D", "="))
    .join("/");

export function addAction(file: DataFile, schema: LakeSchema, partitionColumn: string | undefined, now: number): AddAction {
  const day = file.partitionDay === undefined ? undefined : dateText(file.partitionDay);
  return {
    path: uriPath(file.path),
    partitionValues: partitionColumn === undefined ? {} : { [partitionColumn]: day ?? null },
    size: file.sizeInBytes,
    modificationTime: now,
    dataChange: true,
    stats: statsJson(file, schema),
  };
}
