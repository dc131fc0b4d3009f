// sqlite:// URLs. Accepted forms:
//   sqlite://tansu.db            tansu.db relative to the working directory (the default)
//   sqlite://data/tansu.db       a relative path with directories
//   sqlite:tansu.db              the same without slashes
//   sqlite:///var/lib/tansu.db   an absolute path (three slashes)
// Percent-escapes are decoded (sqlite://my%20topics.db). `?synchronous=normal` trades durability
// on power loss for speed (the default, full, syncs every commit). There is no in-memory form:
// brokers share state through the file, and `:memory:` is private to one connection.

import { ConfigError } from "../../config.ts";

export type Synchronous = "full" | "normal" | "off";

export interface SqliteLocation {
  path: string;
  synchronous: Synchronous;
}

const SYNCHRONOUS: readonly Synchronous[] = ["full", "normal", "off"];

export function sqliteLocation(url: URL): SqliteLocation {
  const raw = decodeURIComponent(url.host + url.pathname);
  if (raw === "" || raw === "/") throw new ConfigError(`--storage-engine: no database file in ${url.href} (e.g. sqlite://tansu.db)`);
  if (raw.includes(":memory:")) throw new ConfigError("--storage-engine: sqlite://:memory: is not supported; brokers share state through a file");
  const synchronous = (url.searchParams.get("synchronous") ?? "full").toLowerCase();
  if (!SYNCHRONOUS.includes(synchronous as Synchronous)) {
    throw new ConfigError(`--storage-engine: synchronous=${synchronous} is not one of ${SYNCHRONOUS.join(", ")}`);
  }
  return { path: raw, synchronous: synchronous as Synchronous };
}
