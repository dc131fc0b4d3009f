// Transaction coordinator states: one object per transactional id, changed by compare-and-swap on
// our own version (a fresh UUID per write, so versions never repeat, even across delete and
// re-create), like a group's (groups.ts). A deleted id leaves a tombstone.

import type { StoredTransaction, TransactionWriteResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

interface TransactionDoc {
  version: string | null;
  state: string | null;
  /** Ids of the latest writes (see cas.ts). */
  writes: string[];
}

const ABSENT: TransactionDoc = { version: null, state: null, writes: [] };

function decodeTransaction(bytes: Uint8Array, key: string): TransactionDoc {
  let o: { v?: unknown; version?: unknown; state?: unknown; writes?: unknown };
  try {
    o = JSON.parse(new TextDecoder().decode(bytes)) as typeof o;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  const nullableString = (v: unknown) => v === null || typeof v === "string";
  if (o.v !== 1 || !nullableString(o.version) || !nullableString(o.state) || !Array.isArray(o.writes)) throw new StorageError("corrupt", `${key} is not a transaction`);
  return { version: o.version as string | null, state: o.state as string | null, writes: o.writes.map(String) };
}

function encodeTransaction(doc: TransactionDoc): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, version: doc.version, state: doc.state, writes: doc.writes }));
}

export class Transactions {
  private readonly cache: VersionedCache<TransactionDoc>;
  private readonly target: CasTarget<TransactionDoc>;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
  ) {
    this.cache = new VersionedCache(store, decodeTransaction, ABSENT);
    this.target = {
      store,
      cache: this.cache,
      encode: encodeTransaction,
      stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
      landed: (doc, writeId) => doc.writes.includes(writeId),
    };
  }

  async get(transactionalId: string): Promise<StoredTransaction | null> {
    return stored(transactionalId, (await this.cache.load(this.keys.transaction(transactionalId))).value);
  }

  put(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
    return compareAndSwap<TransactionDoc, TransactionWriteResult>(this.target, this.keys.transaction(transactionalId), ({ value }) => {
      if (value.version !== expectedVersion) return { answer: { ok: false, current: stored(transactionalId, value) } };
      const version = crypto.randomUUID();
      return { write: { ...value, version, state }, then: () => ({ ok: true, version }) };
    });
  }

  delete(transactionalId: string, expectedVersion: string): Promise<boolean> {
    return compareAndSwap<TransactionDoc, boolean>(this.target, this.keys.transaction(transactionalId), ({ value }) =>
      value.version !== expectedVersion || value.state === null ? { answer: false } : { write: { ...ABSENT, writes: value.writes }, then: () => true },
    );
  }

  async list(): Promise<StoredTransaction[]> {
    const loads: Promise<StoredTransaction | null>[] = [];
    for await (const o of listAll(this.store, this.keys.transactionsPrefix())) {
      if (!o.key.endsWith(".json")) continue;
      const id = this.keys.transactionalId(o.key);
      const known = this.cache.peek(o.key);
      loads.push(known?.etag === o.etag ? Promise.resolve(stored(id, known.value)) : this.cache.load(o.key).then((v) => stored(id, v.value)));
    }
    return (await Promise.all(loads)).filter((t) => t !== null);
  }
}

function stored(transactionalId: string, doc: TransactionDoc): StoredTransaction | null {
  return doc.version === null || doc.state === null ? null : { transactionalId, version: doc.version, state: doc.state };
}
