// A lake under an object-store prefix (s3://bucket/prefix). Create-if-absent is a PUT with
// If-None-Match: *. A conditional PUT whose answer was lost ("unknown") or refused while another
// conditional write was in flight (409) leaves open what is stored, so the key is read back: our
// own bytes mean we created it, other bytes mean someone else did, nothing means try again.

import { StorageError } from "../storage/engine.ts";
import { listAll, type ObjectStore } from "../storage/s3/store.ts";
import type { LakeStore } from "./store.ts";

/** Conditional PUTs of one putIfAbsent before giving up with StorageError("unavailable"). */
const ATTEMPTS = 5;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);

export class ObjectLakeStore implements LakeStore {
  /**
   * @param prefix "" or a key prefix ending in "/": the lake's root in the bucket.
   * @param root The bucket as readers name it, e.g. `s3://bucket`.
   */
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly root: string,
  ) {}

  location(path: string): string {
    return `${this.root}/${this.prefix}${path}`;
  }

  async get(path: string): Promise<Uint8Array | null> {
    const got = await this.store.get(this.prefix + path);
    return got.kind === "found" ? got.bytes : null;
  }

  /** A LIST of the key itself: an existence check that never transfers the object. */
  async exists(path: string): Promise<boolean> {
    const key = this.prefix + path;
    const page = await this.store.list(key, { maxKeys: 1 });
    return page.objects[0]?.key === key;
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const put = await this.store.put(this.prefix + path, bytes, null);
    if (put.kind !== "written") throw new StorageError("unavailable", `PUT ${this.location(path)} was not stored (${put.kind})`, put.kind === "unknown" ? { cause: put.cause } : undefined);
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<"created" | "exists"> {
    const key = this.prefix + path;
    let last: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const put = await this.store.put(key, bytes, { ifNoneMatch: "*" });
      if (put.kind === "written") return "created";
      if (put.kind === "unknown") last = put.cause;
      const stored = await this.store.get(key);
      if (stored.kind === "found") return sameBytes(stored.bytes, bytes) ? "created" : "exists";
    }
    throw new StorageError("unavailable", `PUT ${this.location(path)} if absent: no answer after ${ATTEMPTS} attempts`, { cause: last });
  }

  async list(prefix: string): Promise<string[]> {
    const paths: string[] = [];
    for await (const object of listAll(this.store, this.prefix + prefix)) paths.push(object.key.slice(this.prefix.length));
    return paths.sort();
  }

  async delete(path: string): Promise<void> {
    await this.store.delete(this.prefix + path);
  }
}
