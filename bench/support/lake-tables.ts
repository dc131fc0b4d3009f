// What a lake directory holds, read from outside the broker: the rows of a plain Parquet table's
// files (each file's footer read once with hyparquet) and an Iceberg table's exactly-once bookmark
// (the current snapshot's `tansu.offset.<partition>` summary properties).

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parquetMetadataAsync } from "hyparquet";

/** A file's first and last offsets, from the plain table's `<first>-<last>.parquet` names. */
export interface ParquetFileRange {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly rows: number;
}

const FILE = /^(\d{20})-(\d{20})\.parquet$/;

async function footerRows(path: string): Promise<number> {
  const file = Bun.file(path);
  const metadata = await parquetMetadataAsync({ byteLength: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() }, { initialFetchSize: 1 << 16 });
  return Number(metadata.num_rows);
}

/** The data files of one partition of a plain Parquet table; footers are cached (files never change). */
export class ParquetPartition {
  private readonly seen = new Map<string, ParquetFileRange>();

  constructor(private readonly dir: string) {}

  async files(): Promise<ParquetFileRange[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    for (const name of names) {
      const match = FILE.exec(name);
      if (match === null || this.seen.has(name)) continue;
      this.seen.set(name, { firstOffset: Number(match[1]), lastOffset: Number(match[2]), rows: await footerRows(join(this.dir, name)) });
    }
    return [...this.seen.values()].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  async rows(): Promise<number> {
    return (await this.files()).reduce((n, f) => n + f.rows, 0);
  }
}

// snapshot ids are 63-bit: quoted before parsing so they compare exactly
const LONG_IDS = /("(?:current-snapshot-id|snapshot-id|parent-snapshot-id)"\s*:\s*)(-?\d+)/g;

interface Metadata {
  "current-snapshot-id"?: string;
  snapshots?: { "snapshot-id": string; summary?: Record<string, string> }[];
}

/** The newest metadata version's current snapshot: its bookmark per partition and its version; null before the first commit. */
export async function icebergBookmark(table: string): Promise<{ version: number; offsets: Map<number, number> } | null> {
  let names: string[];
  try {
    names = await readdir(join(table, "metadata"));
  } catch {
    return null;
  }
  const versions = names.flatMap((n) => /^v(\d+)\.metadata\.json$/.exec(n)?.[1] ?? []).map(Number);
  if (versions.length === 0) return null;
  const version = Math.max(...versions);
  const text = await readFile(join(table, "metadata", `v${version}.metadata.json`), "utf8");
  const metadata = JSON.parse(text.replace(LONG_IDS, '$1"$2"')) as Metadata;
  const current = metadata.snapshots?.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
  const offsets = new Map<number, number>();
  for (const [key, value] of Object.entries(current?.summary ?? {})) {
    const partition = /^tansu\.offset\.(\d+)$/.exec(key)?.[1];
    if (partition !== undefined) offsets.set(Number(partition), Number(value));
  }
  return { version, offsets };
}
