// Names in a table's `_delta_log/` directory. Versions are zero-padded to 20 digits so that names
// sort in version order.

export const LOG_DIR = "_delta_log";
export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;

const padded = (version: number): string => version.toString().padStart(20, "0");

export const commitFile = (version: number): string => `${LOG_DIR}/${padded(version)}.json`;

/** A classic (single-file, V1 spec) checkpoint. */
export const checkpointFile = (version: number): string => `${LOG_DIR}/${padded(version)}.checkpoint.parquet`;

/** A path inside a table whose root is `tablePath` (relative to the lake's root; "" for the root). */
export const inTable = (tablePath: string, path: string): string => {
  const root = tablePath.replace(/\/+$/, "");
  return root === "" ? path : `${root}/${path}`;
};

export type LogFile = { readonly kind: "commit" | "checkpoint"; readonly version: number };

/**
 * A commit or classic checkpoint from a name under `_delta_log/`; undefined for anything else
 * (multi-part and UUID-named checkpoints, checksums, compactions, `_last_checkpoint`).
 */
export function parseLogFile(name: string): LogFile | undefined {
  const match = /^(\d{20})\.(json|checkpoint\.parquet)$/.exec(name);
  if (match?.[1] === undefined) return undefined;
  const version = Number(match[1]);
  if (!Number.isSafeInteger(version)) return undefined;
  return { kind: match[2] === "json" ? "commit" : "checkpoint", version };
}
