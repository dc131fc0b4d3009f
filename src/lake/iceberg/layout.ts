// Where a table's files live, relative to the lake's root. Metadata versions are
// metadata/v<N>.metadata.json, created only if absent; metadata/version-hint.text holds the
// newest N as a hint for file-system catalogs. Manifest names never start with "v", so listing
// "metadata/v" finds the metadata versions and the hint file only.

/** A path inside the table at `table` (a lake path; "" for a table at the lake's root). */
export const inTable = (table: string, path: string): string => (table === "" ? path : `${table.replace(/\/+$/, "")}/${path}`);

export const metadataPath = (table: string, version: number): string => inTable(table, `metadata/v${version}.metadata.json`);
export const metadataPrefix = (table: string): string => inTable(table, "metadata/v");
export const versionHintPath = (table: string): string => inTable(table, "metadata/version-hint.text");
export const manifestPath = (table: string, id: string): string => inTable(table, `metadata/${id}-m0.avro`);
export const manifestListPath = (table: string, snapshotId: bigint, id: string): string => inTable(table, `metadata/snap-${snapshotId}-1-${id}.avro`);

/** The version of a metadata file's path, or null for any other file. */
export function versionOf(path: string): number | null {
  const match = /(?:^|\/)v(\d+)\.metadata\.json$/.exec(path);
  return match === null ? null : Number(match[1]);
}

/** The version a hint file names, or null when it names none. */
export function hintedVersion(bytes: Uint8Array | null): number | null {
  if (bytes === null) return null;
  const text = new TextDecoder().decode(bytes).trim();
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
}
