// A lake in a local directory. A file is written to a unique temporary name and then moved (put)
// or hard-linked (putIfAbsent: link fails when the target exists) into place, so readers never see
// a partial file and a create-if-absent is atomic on every POSIX file system.

import type { Dirent } from "node:fs";
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { LakeStore } from "./store.ts";

const code = (e: unknown): string | undefined => (e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : undefined);

let sequence = 0;

export class FileLakeStore implements LakeStore {
  constructor(private readonly root: string) {}

  location(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  async get(path: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.root, path)));
    } catch (e) {
      if (code(e) === "ENOENT") return null;
      throw e;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(join(this.root, path));
      return true;
    } catch (e) {
      if (code(e) === "ENOENT") return false;
      throw e;
    }
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const temporary = await this.staged(path, bytes);
    await rename(temporary, join(this.root, path));
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<"created" | "exists"> {
    const temporary = await this.staged(path, bytes);
    try {
      await link(temporary, join(this.root, path));
      return "created";
    } catch (e) {
      if (code(e) === "EEXIST") return "exists";
      throw e;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = join(this.root, prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "");
    let entries: Dirent[];
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch (e) {
      if (code(e) === "ENOENT") return [];
      throw e;
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join("/"))
      .filter((path) => path.startsWith(prefix) && !path.includes(".staging-"))
      .sort();
  }

  async delete(path: string): Promise<void> {
    await rm(join(this.root, path), { force: true });
  }

  private async staged(path: string, bytes: Uint8Array): Promise<string> {
    const target = join(this.root, path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.staging-${process.pid}-${++sequence}`;
    await writeFile(temporary, bytes);
    return temporary;
  }
}
