// Read-decide-write loops on one mutable object: the write is conditional on the ETag that was
// read (or on absence), a lost race re-reads and decides again, with backoff and a bound.
// A write that seems lost may have landed: its answer was lost, or the HTTP client resent it after
// a reset connection and the resend failed the condition the first attempt had already used up.
// So every write carries a unique id that the object keeps in a short history, and a write counts
// as landed when the object is now exactly what was sent or its history holds the write's id.

import { StorageError } from "../engine.ts";
import { backoffMs, sleep } from "./retry.ts";
import { md5Etag, type ObjectStore } from "./store.ts";
import type { Versioned, VersionedCache } from "./versioned.ts";

export type Decision<T, R> = { write: T; then: (written: T) => R } | { answer: R };

export interface CasTarget<T> {
  store: ObjectStore;
  cache: VersionedCache<T>;
  encode: (value: T) => Uint8Array;
  /** `value` with `writeId` added to its history of recent writes. */
  stamp: (value: T, writeId: string) => T;
  /** Whether `value`'s history holds `writeId`. */
  landed: (value: T, writeId: string) => boolean;
}

export const CAS_ATTEMPTS = 16;

/** How many write ids an object remembers: far more than can land between a write and its re-read. */
export const WRITE_HISTORY = 8;

export function remembering(history: readonly string[], writeId: string): string[] {
  return [...history, writeId].slice(-WRITE_HISTORY);
}

export async function compareAndSwap<T, R>(target: CasTarget<T>, key: string, decide: (current: Versioned<T>) => Decision<T, R>, attempts = CAS_ATTEMPTS): Promise<R> {
  const { store, cache, encode } = target;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    const current = await cache.load(key);
    const decision = decide(current);
    if ("answer" in decision) return decision.answer;
    const writeId = crypto.randomUUID();
    const value = target.stamp(decision.write, writeId);
    const body = encode(value);
    const result = await store.put(key, body, current.etag === null ? { ifNoneMatch: "*" } : { ifMatch: current.etag });
    if (result.kind === "written") {
      cache.remember(key, result.etag, value);
      return decision.then(value);
    }
    const after = await cache.load(key);
    if (after.etag === md5Etag(body) || target.landed(after.value, writeId)) return decision.then(value);
  }
  throw new StorageError("conflict-exhausted", `${key}: still conflicting after ${attempts} attempts`);
}
