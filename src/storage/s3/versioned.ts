// Mutable objects (indexes, topics, groups) cached with their ETag and revalidated with
// If-None-Match: an unchanged object costs a 304 and no parsing. Concurrent loads of one key share
// one request, but never one sent before the caller asked: its answer may predate a write the
// caller has already seen acknowledged (a DeleteRecords through another broker, say).

import type { ObjectStore } from "./store.ts";

export interface Versioned<T> {
  /** null: the object does not exist. */
  etag: string | null;
  value: T;
}

export class VersionedCache<T> {
  private readonly known = new Map<string, Versioned<T>>();
  /** Per key, the request in flight and the one that follows it, shared by those who asked meanwhile. */
  private readonly loading = new Map<string, { current: Promise<Versioned<T>>; next: Promise<Versioned<T>> | null }>();
  /** Bumped by every remember(), so a load that started before a write cannot undo it. */
  private readonly writes = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly decode: (bytes: Uint8Array, key: string) => T,
    private readonly absent: T,
    /** Told about every change a load or a write reveals. */
    private readonly onChange: (key: string, before: Versioned<T> | undefined, after: Versioned<T>) => void = () => {},
  ) {}

  peek(key: string): Versioned<T> | undefined {
    return this.known.get(key);
  }

  /** The current object, revalidated with the store by a request sent after this call. */
  load(key: string): Promise<Versioned<T>> {
    const flight = this.loading.get(key);
    if (flight === undefined) return this.start(key);
    const settled = () => {};
    flight.next ??= flight.current.then(settled, settled).then(() => this.loading.get(key)?.current ?? this.start(key));
    return flight.next;
  }

  private start(key: string): Promise<Versioned<T>> {
    const flight = {
      current: this.fetch(key).finally(() => {
        if (this.loading.get(key) === flight) this.loading.delete(key);
      }),
      next: null,
    };
    this.loading.set(key, flight);
    return flight.current;
  }

  /** Records what a successful write stored. */
  remember(key: string, etag: string | null, value: T): void {
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    this.update(key, { etag, value });
  }

  forget(key: string): void {
    this.known.delete(key);
    this.writes.delete(key);
  }

  private async fetch(key: string): Promise<Versioned<T>> {
    const cached = this.known.get(key);
    const writes = this.writes.get(key);
    const got = await this.store.get(key, cached?.etag == null ? {} : { ifNoneMatch: cached.etag });
    if (got.kind === "not-modified" && cached !== undefined) return this.known.get(key) ?? cached;
    const next: Versioned<T> = got.kind === "found" ? { etag: got.etag, value: this.decode(got.bytes, key) } : { etag: null, value: this.absent };
    if (this.writes.get(key) !== writes) return next;
    this.update(key, next);
    return next;
  }

  private update(key: string, next: Versioned<T>): void {
    const before = this.known.get(key);
    this.known.set(key, next);
    if (before?.etag !== next.etag) this.onChange(key, before, next);
  }
}
