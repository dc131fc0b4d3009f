// Read-decide-write loops on one mutable object: the write is conditional on the ETag that was
// read (or on absence), a lost race re-reads and decides again, with backoff and a bound. A write
// whose answer was lost counts as ours when the stored ETag is the MD5 of what we sent.

import { StorageError } from "../engine.ts";
import { backoffMs, sleep } from "./retry.ts";
import { md5Etag, type ObjectStore } from "./store.ts";
import type { Versioned, VersionedCache } from "./versioned.ts";

export type Decision<T, R> = { write: T; then: (written: T, etag: string) => R } | { answer: R };

export interface CasTarget<T> {
  store: ObjectStore;
  cache: VersionedCache<T>;
  encode: (value: T) => Uint8Array;
}

export const CAS_ATTEMPTS = 16;

export async function compareAndSwap<T, R>(target: CasTarget<T>, key: string, decide: (current: Versioned<T>) => Decision<T, R>, attempts = CAS_ATTEMPTS): Promise<R> {
  const { store, cache, encode } = target;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    const current = await cache.load(key);
    const decision = decide(current);
    if ("answer" in decision) return decision.answer;
    const body = encode(decision.write);
    const result = await store.put(key, body, current.etag === null ? { ifNoneMatch: "*" } : { ifMatch: current.etag });
    let etag: string | null = result.kind === "written" ? result.etag : null;
    if (result.kind === "unknown") {
      const after = await cache.load(key);
      if (after.etag === md5Etag(body)) etag = after.etag;
    }
    if (etag !== null) {
      cache.remember(key, etag, decision.write);
      return decision.then(decision.write, etag);
    }
  }
  throw new StorageError("conflict-exhausted", `${key}: still conflicting after ${attempts} attempts`);
}
