// A partition's index object and its immutable segments, and their JSON form. The index is the
// only mutable object of a partition: one compare-and-swap on it commits batches (offsets and
// producer state together). Object names inside are relative to the partition's prefix.
// Objects that carry transaction data (an aborted transaction, a producer's transaction state) are
// written as version 2, so a broker that predates transactions refuses them instead of rewriting
// them without that data; an index listing garbage (objects retention or compaction dropped) is
// version 4 for the same reason (3 is unused); everything else stays version 1. All are read.

import type { AbortedTransaction } from "../engine.ts";
import { StorageError } from "../engine.ts";
import type { GarbageGroup } from "./garbage.ts";
import { decodeData, decodeEntry, decodeGarbage, decodeRef, encodeData, encodeEntry, encodeGarbage, encodeRef } from "./index-rows.ts";
import { json, num, optionalRows, parseObject, rows } from "./json-rows.ts";
import { decodeAborted, decodeProducers, encodeAborted, encodeProducers, type ProducerEntry } from "./producer-rows.ts";

export type { ProducerEntry } from "./producer-rows.ts";

/** A stored batch: where its bytes are, and what readers need without fetching them. */
export interface Entry {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** Position in the owning object's `data` list. */
  data: number;
  position: number;
  length: number;
}

export interface DataRef {
  name: string;
  size: number;
}

/** An immutable segment: level 0 holds entries, level n > 0 holds references to level n - 1. */
export interface SegmentRef {
  name: string;
  level: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: number;
  /** Creation times (ms) of the oldest and newest object in this segment's subtree, itself included. */
  oldest: number;
  newest: number;
  /** Smallest firstOffset of the aborted transactions in this segment's subtree; -1 when none. */
  abortedFrom: number;
  /** Batches in this segment's subtree; -1 when not counted (references written before counts were). */
  batches: number;
}

export interface PartitionIndex {
  /** Set when the topic was deleted: commits planned by brokers that have not noticed yet fail. */
  deleted: boolean;
  logStartOffset: number;
  highWatermark: number;
  /** Oldest first; levels never increase from one to the next. */
  segments: SegmentRef[];
  data: DataRef[];
  /** The newest batches, oldest first, after everything in `segments`. */
  entries: Entry[];
  producers: ReadonlyMap<number, ProducerEntry>;
  /**
   * The aborted transactions whose ABORT marker is among `entries`, in marker order. A roll moves
   * those whose marker it moves into the level-0 segment it writes, so this list is bounded like
   * `entries`; SegmentRef.abortedFrom tells readers which segments to look in.
   */
  aborted: AbortedTransaction[];
  /**
   * Objects the index stopped referring to (retention, DeleteRecords, compaction), oldest first,
   * each group with when it was dropped. Maintenance deletes those nothing else refers to once
   * readers of older indexes are done with them, then removes the group.
   */
  garbage: GarbageGroup[];
}

export interface Segment {
  level: number;
  data: DataRef[];
  entries: Entry[];
  segments: SegmentRef[];
  /** Level 0: the aborted transactions whose marker is among `entries`. */
  aborted: AbortedTransaction[];
}

export const EMPTY_INDEX: PartitionIndex = { deleted: false, logStartOffset: 0, highWatermark: 0, segments: [], data: [], entries: [], producers: new Map(), aborted: [], garbage: [] };

/** What a deleted topic leaves in place of each partition's index. */
export const DELETED_INDEX: PartitionIndex = { ...EMPTY_INDEX, deleted: true };

/** Version 4: the index lists garbage (objects dropped by retention or compaction). */
const GARBAGE_VERSION = 4;
const VERSIONS = [1, 2, GARBAGE_VERSION];
const SEGMENT_VERSIONS = [1, 2];

export function encodeIndex(index: PartitionIndex): Uint8Array {
  const txn = index.aborted.length > 0 || index.segments.some((s) => s.abortedFrom >= 0) || [...index.producers.values()].some((p) => p.txn !== undefined);
  return json({
    v: index.garbage.length > 0 ? GARBAGE_VERSION : txn ? 2 : 1,
    ...(index.deleted ? { deleted: true } : {}),
    logStartOffset: index.logStartOffset,
    highWatermark: index.highWatermark,
    segments: index.segments.map(encodeRef),
    data: index.data.map(encodeData),
    entries: index.entries.map(encodeEntry),
    producers: encodeProducers(index.producers),
    ...(index.aborted.length > 0 ? { aborted: encodeAborted(index.aborted) } : {}),
    ...(index.garbage.length > 0 ? { garbage: encodeGarbage(index.garbage) } : {}),
  });
}

export function encodeSegment(segment: Segment): Uint8Array {
  const txn = segment.aborted.length > 0 || segment.segments.some((s) => s.abortedFrom >= 0);
  return json({
    v: txn ? 2 : 1,
    level: segment.level,
    data: segment.data.map(encodeData),
    entries: segment.entries.map(encodeEntry),
    segments: segment.segments.map(encodeRef),
    ...(segment.aborted.length > 0 ? { aborted: encodeAborted(segment.aborted) } : {}),
  });
}

export function decodeIndex(bytes: Uint8Array, where: string): PartitionIndex {
  const o = parseObject(bytes, where, VERSIONS);
  return {
    deleted: o.deleted === true,
    logStartOffset: num(o.logStartOffset, where),
    highWatermark: num(o.highWatermark, where),
    segments: rows(o.segments, where).map((r) => decodeRef(r, where)),
    data: rows(o.data, where).map((r) => decodeData(r, where)),
    entries: rows(o.entries, where).map((r) => decodeEntry(r, where)),
    producers: decodeProducers(rows(o.producers, where), where),
    aborted: decodeAborted(optionalRows(o.aborted, where), where),
    garbage: decodeGarbage(optionalRows(o.garbage, where), where),
  };
}

export function decodeSegment(bytes: Uint8Array, where: string): Segment {
  const o = parseObject(bytes, where, SEGMENT_VERSIONS);
  return {
    level: num(o.level, where),
    data: rows(o.data, where).map((r) => decodeData(r, where)),
    entries: rows(o.entries, where).map((r) => decodeEntry(r, where)),
    segments: rows(o.segments, where).map((r) => decodeRef(r, where)),
    aborted: decodeAborted(optionalRows(o.aborted, where), where),
  };
}

/** `entries` with their data list reduced to the objects they use, renumbered. */
export function withOwnData(entries: readonly Entry[], data: readonly DataRef[]): { entries: Entry[]; data: DataRef[] } {
  const renumber = new Map<number, number>();
  const used: DataRef[] = [];
  const out = entries.map((e) => {
    let n = renumber.get(e.data);
    if (n === undefined) {
      const ref = data[e.data];
      if (ref === undefined) throw new StorageError("corrupt", `an index entry refers to data #${e.data}, which is not listed`);
      renumber.set(e.data, (n = used.length));
      used.push(ref);
    }
    return { ...e, data: n };
  });
  return { entries: out, data: used };
}

/** Whether two entries (each with its owner's data list) are the same stored batch. */
export function sameEntry(a: Entry, aData: readonly DataRef[], b: Entry, bData: readonly DataRef[]): boolean {
  return a.baseOffset === b.baseOffset && a.lastOffset === b.lastOffset && a.position === b.position && a.length === b.length && aData[a.data]?.name === bData[b.data]?.name;
}

/** Index of the first entry whose lastOffset >= offset (entries.length if none). */
export function firstEntryReaching(entries: readonly Entry[], offset: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((entries[mid]?.lastOffset ?? Infinity) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}
