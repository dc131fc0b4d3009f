// file://dir: TOPIC.avsc, TOPIC.json or TOPIC.proto in one directory. As for sqlite:// URLs,
// file://schemas and file://./etc/schemas are relative to the working directory and
// file:///etc/tansu absolute; percent-escapes are decoded. A file's version is its modification
// and change times, size and inode, so an edit in place or a rename over it both count.

import { statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config.ts";
import type { SchemaSource } from "./source.ts";

const version = (s: Stats): string => `${s.mtimeMs}/${s.ctimeMs}/${s.size}/${s.ino}`;

const missing = (e: unknown): boolean => (e as { code?: unknown }).code === "ENOENT";

/** The directory a file:// URL names. */
export function schemaDirectory(url: URL): string {
  if (url.host === "" && url.pathname === "/") throw new ConfigError(`--schema-registry: no directory in ${url.href} (e.g. file://./schemas)`);
  return decodeURIComponent(url.host + url.pathname);
}

export function fileSource(url: URL): SchemaSource {
  const dir = schemaDirectory(url);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) throw new ConfigError(`--schema-registry: ${dir} is not a directory`);
  const locate = (name: string) => join(dir, name);
  return {
    locate,
    async version(name) {
      try {
        return version(await stat(locate(name)));
      } catch (e) {
        if (missing(e)) return null;
        throw e;
      }
    },
    async read(name) {
      try {
        return await readFile(locate(name), "utf8");
      } catch (e) {
        if (missing(e)) return null;
        throw e;
      }
    },
  };
}
