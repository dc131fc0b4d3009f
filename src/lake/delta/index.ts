// The Delta Lake writer the lake exporter uses: load a table's state, commit data files to it.

export { commitDelta, DEFAULT_CHECKPOINT_INTERVAL, type DeltaCommit, type DeltaCommitResult } from "./commit.ts";
export { DeltaTableError } from "./error.ts";
export { loadDeltaTable } from "./load.ts";
export { appId, type DeltaTable, PARTITION_COLUMN } from "./table.ts";
