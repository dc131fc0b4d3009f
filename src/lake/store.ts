// Where a lake's files live: a directory (file:///dir) or an object-store prefix (s3://bucket/prefix).
// Paths are relative to the lake's root and use "/". Data files get unique names, so they are
// written unconditionally; table commits (Iceberg metadata versions, Delta log entries) are created
// only if absent, which is what makes two brokers committing one table safe.

export interface LakeStore {
  /** The location a path has for readers outside the broker (file:///… or s3://…). */
  location(path: string): string;
  /** null when there is no such file. */
  get(path: string): Promise<Uint8Array | null>;
  exists(path: string): Promise<boolean>;
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** "exists" when something is already at the path; then nothing was written. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<"created" | "exists">;
  /** Paths under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(path: string): Promise<void>;
}
