// Apache Iceberg (format version 2) tables written from topics: load a table to learn its schema
// and exactly-once bookmark, then commit appends of Parquet data files.

export { commitIceberg, type IcebergCommit, type IcebergCommitResult } from "./commit.ts";
export { IcebergError } from "./errors.ts";
export { loadIcebergTable, type IcebergTable } from "./load.ts";
export type { TableMetadata } from "./metadata.ts";
export { TOPIC_PROPERTY } from "./next-metadata.ts";
export { icebergDay } from "./partition.ts";
export { OFFSET_PREFIX } from "./snapshot.ts";
