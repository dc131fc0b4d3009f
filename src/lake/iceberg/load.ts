// Finding and reading a table's current metadata. The version hint is only a hint: a writer may
// stop between creating v<N>.metadata.json and rewriting the hint, and two writers may rewrite it
// out of order. So a hinted version counts only when no next version exists; otherwise the
// highest version found by listing the metadata folder is current.

import type { LakeSchema } from "../types.ts";
import type { LakeStore } from "../store.ts";
import { IcebergError } from "./errors.ts";
import { parseJson } from "./json.ts";
import { hintedVersion, metadataPath, metadataPrefix, versionHintPath, versionOf } from "./layout.ts";
import { readMetadata, type TableMetadata } from "./metadata.ts";
import { DAY_FIELD_NAME } from "./partition.ts";
import { fromIcebergSchema } from "./schema.ts";
import { bookmark } from "./snapshot.ts";

export interface IcebergTable {
  /** N of the current metadata/v<N>.metadata.json; the next commit creates N + 1. */
  readonly version: number;
  readonly metadata: TableMetadata;
  /** The current schema, to evolve from. */
  readonly schema: LakeSchema;
  /** Whether new files go to the day partition spec. */
  readonly partitionByDay: boolean;
  /** The exactly-once bookmark: per Kafka partition, the last offset the table holds. */
  readonly offsets: Map<number, bigint>;
}

function decode(bytes: Uint8Array, path: string): TableMetadata {
  try {
    return readMetadata(parseJson(new TextDecoder().decode(bytes)));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new IcebergError(`${path}: ${reason}`, { cause: e });
  }
}

/** Version `version` of the table, or null when it does not exist. */
export async function readVersion(store: LakeStore, table: string, version: number): Promise<TableMetadata | null> {
  const path = metadataPath(table, version);
  const bytes = await store.get(path);
  return bytes === null ? null : decode(bytes, path);
}

async function currentVersion(store: LakeStore, table: string): Promise<{ version: number; bytes: Uint8Array } | null> {
  const hinted = hintedVersion(await store.get(versionHintPath(table)));
  if (hinted !== null) {
    const bytes = await store.get(metadataPath(table, hinted));
    if (bytes !== null && !(await store.exists(metadataPath(table, hinted + 1)))) return { version: hinted, bytes };
  }
  const versions = (await store.list(metadataPrefix(table))).flatMap((path) => {
    const version = versionOf(path);
    return version !== null && path === metadataPath(table, version) ? [version] : [];
  });
  if (versions.length === 0) return null;
  const version = Math.max(...versions);
  const bytes = await store.get(metadataPath(table, version));
  if (bytes === null) throw new IcebergError(`${metadataPath(table, version)} was listed but is gone`);
  return { version, bytes };
}

/** The table at `table` (a path in the lake), or null when it has no metadata yet. */
export async function loadIcebergTable(store: LakeStore, table: string): Promise<IcebergTable | null> {
  const current = await currentVersion(store, table);
  if (current === null) return null;
  const path = metadataPath(table, current.version);
  const metadata = decode(current.bytes, path);
  const schemaJson = metadata.schemas.find((s) => s["schema-id"] === metadata["current-schema-id"]);
  if (schemaJson === undefined) throw new IcebergError(`${path}: current-schema-id ${metadata["current-schema-id"]} is not among the schemas`);
  const spec = metadata["partition-specs"].find((s) => s["spec-id"] === metadata["default-spec-id"]);
  return {
    version: current.version,
    metadata,
    schema: fromIcebergSchema(schemaJson, metadata["last-column-id"]),
    partitionByDay: spec?.fields.some((f) => f.name === DAY_FIELD_NAME && f.transform === "day") ?? false,
    offsets: bookmark(metadata),
  };
}
