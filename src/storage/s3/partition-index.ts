// A partition's index object and its immutable segments, and their JSON form. The index is the
// only mutable object of a partition: one compare-and-swap on it commits batches (offsets and
// producer state together). Object names inside are relative to the partition's prefix.
// Objects that carry transaction data (an aborted transaction, a producer's transaction state) are
// written as version 2, so a broker that predates transactions refuses them instead of rewriting
// them without that data; everything else stays version 1.

import type { AbortedTransaction } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { json, num, optionalRows, parseObject, rows, str, type Row } from "./json-rows.ts";
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
}

export interface Segment {
  level: number;
  data: DataRef[];
  entries: Entry[];
  segments: SegmentRef[];
  /** Level 0: the aborted transactions whose marker is among `entries`. */
  aborted: AbortedTransaction[];
}

export const EMPTY_INDEX: PartitionIndex = { deleted: false, logStartOffset: 0, highWatermark: 0, segments: [], data: [], entries: [], producers: new Map(), aborted: [] };

/** What a deleted topic leaves in place of each partition's index. */
export const DELETED_INDEX: PartitionIndex = { ...EMPTY_INDEX, deleted: true };

const encodeEntry = (e: Entry) => [e.baseOffset, e.lastOffset, e.maxTimestamp, e.data, e.position, e.length];
const encodeData = (d: DataRef) => [d.name, d.size];
const encodeRef = (s: SegmentRef) => {
  const row: unknown[] = [s.name, s.level, s.baseOffset, s.lastOffset, s.maxTimestamp, s.bytes, s.oldest, s.newest];
  if (s.abortedFrom >= 0) row.push(s.abortedFrom);
  return row;
};
const VERSIONS = [1, 2];

export function encodeIndex(index: PartitionIndex): Uint8Array {
  const txn = index.aborted.length > 0 || index.segments.some((s) => s.abortedFrom >= 0) || [...index.producers.values()].some((p) => p.txn !== undefined);
  return json({
    v: txn ? 2 : 1,
    ...(index.deleted ? { deleted: true } : {}),
    logStartOffset: index.logStartOffset,
    highWatermark: index.highWatermark,
    segments: index.segments.map(encodeRef),
    data: index.data.map(encodeData),
    entries: index.entries.map(encodeEntry),
    producers: encodeProducers(index.producers),
    ...(index.aborted.length > 0 ? { aborted: encodeAborted(index.aborted) } : {}),
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
  };
}

export function decodeSegment(bytes: Uint8Array, where: string): Segment {
  const o = parseObject(bytes, where, VERSIONS);
  return {
    level: num(o.level, where),
    data: rows(o.data, where).map((r) => decodeData(r, where)),
    entries: rows(o.entries, where).map((r) => decodeEntry(r, where)),
    segments: rows(o.segments, where).map((r) => decodeRef(r, where)),
    aborted: decodeAborted(optionalRows(o.aborted, where), where),
  };
}

function decodeEntry(r: Row, where: string): Entry {
  return { baseOffset: num(r[0], where), lastOffset: num(r[1], where), maxTimestamp: num(r[2], where), data: num(r[3], where), position: num(r[4], where), length: num(r[5], where) };
}

function decodeData(r: Row, where: string): DataRef {
  return { name: str(r[0], where), size: num(r[1], where) };
}

function decodeRef(r: Row, where: string): SegmentRef {
  return {
    name: str(r[0], where),
    level: num(r[1], where),
    baseOffset: num(r[2], where),
    lastOffset: num(r[3], where),
    maxTimestamp: num(r[4], where),
    bytes: num(r[5], where),
    oldest: num(r[6], where),
    newest: num(r[7], where),
    abortedFrom: r[8] === undefined ? -1 : num(r[8], where),
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
