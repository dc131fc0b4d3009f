// Immutable objects of partitions (data objects and segments), read through one bounded LRU. Data
// objects are fetched whole when that is cheap or most of them is wanted, else by byte range.

import { StorageError } from "../engine.ts";
import { Lru } from "./lru.ts";
import { decodeSegment, type Segment } from "./partition-index.ts";
import type { ObjectStore } from "./store.ts";

/** Objects up to this size are always fetched (and cached) whole. */
const WHOLE_OBJECT_BYTES = 256 << 10;

export class ImmutableObjects {
  private readonly data: Lru<Uint8Array>;
  private readonly segments: Lru<Segment>;
  private readonly loadingSegments = new Map<string, Promise<Segment | null>>();

  constructor(
    private readonly store: ObjectStore,
    cacheBytes: number,
  ) {
    this.data = new Lru(Math.floor(cacheBytes * 0.75));
    this.segments = new Lru(Math.floor(cacheBytes * 0.25));
  }

  /** Remembers a data object this broker just wrote, so local readers need not fetch it. */
  rememberData(key: string, bytes: Uint8Array): void {
    this.data.set(key, bytes, bytes.byteLength);
  }

  rememberSegment(key: string, segment: Segment, size: number): void {
    this.segments.set(key, segment, size);
  }

  async segment(key: string): Promise<Segment> {
    const segment = await this.segmentIfPresent(key);
    if (segment === null) throw new StorageError("corrupt", `segment ${key} is referenced but missing`);
    return segment;
  }

  /** The segment, or null when it is not stored (garbage maintenance has deleted already). */
  segmentIfPresent(key: string): Promise<Segment | null> {
    const cached = this.segments.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.loadingSegments.get(key);
    if (pending === undefined) {
      pending = this.store
        .get(key)
        .then((got) => {
          if (got.kind !== "found") return null;
          const segment = decodeSegment(got.bytes, key);
          this.segments.set(key, segment, got.bytes.byteLength);
          return segment;
        })
        .finally(() => this.loadingSegments.delete(key));
      this.loadingSegments.set(key, pending);
    }
    return pending;
  }

  /** Bytes [start, end) of a data object of `size` bytes. */
  async dataRange(key: string, size: number, start: number, end: number): Promise<Uint8Array> {
    const cached = this.data.get(key);
    if (cached !== undefined) return cached.subarray(start, end);
    const whole = size <= WHOLE_OBJECT_BYTES || (end - start) * 2 >= size;
    const got = await this.store.get(key, whole ? {} : { range: [start, end] });
    if (got.kind !== "found") throw new StorageError("corrupt", `data object ${key} is referenced but missing`);
    if (!whole) return got.bytes;
    this.data.set(key, got.bytes, got.bytes.byteLength);
    return got.bytes.subarray(start, end);
  }
}
