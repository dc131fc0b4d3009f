// One lake table of a topic, whatever its format: what it holds (per Kafka partition, the last
// offset its committed files contain — the exactly-once bookmark) and how new files join it.

import type { DataFile, LakeSchema } from "./types.ts";

export type LakeFormat = "parquet" | "iceberg" | "delta";

export interface TableState {
  /** Per Kafka partition, the last offset the table holds (absent: none yet). */
  readonly offsets: ReadonlyMap<number, number>;
  /** The table's current schema; null before its first commit. */
  readonly schema: LakeSchema | null;
  /** What the table's next commit must follow (a metadata version); format-specific. */
  readonly version: number;
}

/** A Parquet file of one Kafka partition's records, firstOffset to lastOffset, not yet in the table. */
export interface NewFile {
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly bytes: Uint8Array;
  /** Everything the table's metadata records of the file but its path. */
  readonly file: Omit<DataFile, "path">;
}

export interface LakeTable {
  readonly format: LakeFormat;
  /** Where the table lives, for logs and the admin API. */
  readonly location: string;
  load(): Promise<TableState>;
  /**
   * Adds the files in one commit that also moves the bookmark of their partitions to their last
   * offsets. "conflict": another writer committed after `state` (nothing of this call is visible;
   * load again and retry from the new bookmark).
   */
  append(state: TableState, schema: LakeSchema, files: readonly NewFile[]): Promise<"committed" | "conflict">;
}
