// Reading a partition through its index: entries are visited in offset order, descending into
// segments only where they can hold what is looked for, and batch bytes come from the data objects
// (with baseOffset written in, since data objects are written before offsets are known).

import type { StoredBatch, TimestampQuery } from "../engine.ts";
import { withBaseOffset } from "../batch-bytes.ts";
import type { ImmutableObjects } from "./objects.ts";
import { firstEntryReaching, type DataRef, type Entry, type PartitionIndex, type SegmentRef } from "./partition-index.ts";

export interface Located {
  entry: Entry;
  data: DataRef;
}

export type RefFilter = (ref: SegmentRef) => boolean;

export class PartitionReader {
  constructor(
    private readonly objects: ImmutableObjects,
    /** The partition's key prefix; names in the index are relative to it. */
    private readonly prefix: string,
  ) {}

  /** Entries whose lastOffset >= from, in offset order, skipping segments `keep` rejects. */
  async *walk(index: PartitionIndex, from: number, keep: RefFilter = () => true): AsyncGenerator<Located> {
    for (const ref of index.segments) {
      if (ref.lastOffset >= from && keep(ref)) yield* this.walkSegment(ref, from, keep);
    }
    yield* located(index.entries, index.data, from);
  }

  private async *walkSegment(ref: SegmentRef, from: number, keep: RefFilter): AsyncGenerator<Located> {
    const segment = await this.objects.segment(this.prefix + ref.name);
    if (segment.level === 0) {
      yield* located(segment.entries, segment.data, from);
      return;
    }
    for (const child of segment.segments) {
      if (child.lastOffset >= from && keep(child)) yield* this.walkSegment(child, from, keep);
    }
  }

  /** Batches from the one containing fetchOffset within maxBytes (the first always whole). */
  async read(index: PartitionIndex, fetchOffset: number, maxBytes: number): Promise<StoredBatch[]> {
    const picked: Located[] = [];
    let total = 0;
    for await (const found of this.walk(index, fetchOffset)) {
      total += found.entry.length;
      if (picked.length > 0 && total > maxBytes) break;
      picked.push(found);
    }
    return this.batches(picked);
  }

  async byTimestamp(index: PartitionIndex, query: TimestampQuery): Promise<StoredBatch | null> {
    let timestamp: number;
    if (query.kind === "at-or-after") timestamp = query.timestamp;
    else {
      // The earliest batch holding the largest timestamp is the first reaching that timestamp.
      timestamp = Math.max(-Infinity, ...index.segments.map((s) => s.maxTimestamp), ...index.entries.map((e) => e.maxTimestamp));
      if (timestamp === -Infinity) return null;
    }
    for await (const found of this.walk(index, index.logStartOffset, (ref) => ref.maxTimestamp >= timestamp)) {
      if (found.entry.maxTimestamp >= timestamp) return (await this.batches([found]))[0] ?? null;
    }
    // The largest timestamp of a segment the logStartOffset falls inside may be below it.
    return query.kind === "max-timestamp" ? this.largest(index) : null;
  }

  private async largest(index: PartitionIndex): Promise<StoredBatch | null> {
    let best: Located | undefined;
    for await (const found of this.walk(index, index.logStartOffset)) {
      if (best === undefined || found.entry.maxTimestamp > best.entry.maxTimestamp) best = found;
    }
    return best === undefined ? null : ((await this.batches([best]))[0] ?? null);
  }

  /** The stored batches for `picked`, one request per data object, all at once. */
  async batches(picked: readonly Located[]): Promise<StoredBatch[]> {
    const spans = new Map<string, { size: number; start: number; end: number }>();
    for (const { entry, data } of picked) {
      const span = spans.get(data.name);
      const end = entry.position + entry.length;
      if (span === undefined) spans.set(data.name, { size: data.size, start: entry.position, end });
      else {
        span.start = Math.min(span.start, entry.position);
        span.end = Math.max(span.end, end);
      }
    }
    const bytes = new Map(
      await Promise.all(
        [...spans].map(async ([name, s]) => [name, { start: s.start, bytes: await this.objects.dataRange(this.prefix + name, s.size, s.start, s.end) }] as const),
      ),
    );
    return picked.map(({ entry, data }) => {
      const span = bytes.get(data.name);
      const from = entry.position - (span?.start ?? 0);
      const slice = span?.bytes.subarray(from, from + entry.length) ?? new Uint8Array();
      return { baseOffset: entry.baseOffset, lastOffset: entry.lastOffset, maxTimestamp: entry.maxTimestamp, bytes: withBaseOffset(slice, entry.baseOffset) };
    });
  }
}

function* located(entries: readonly Entry[], data: readonly DataRef[], from: number): Generator<Located> {
  for (let i = firstEntryReaching(entries, from); i < entries.length; i++) {
    const entry = entries[i];
    const ref = entry === undefined ? undefined : data[entry.data];
    if (entry !== undefined && ref !== undefined) yield { entry, data: ref };
  }
}
