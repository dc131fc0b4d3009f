// A partition's index object and its immutable segments, and their JSON form. The index is the
// only mutable object of a partition: one compare-and-swap on it commits batches (offsets and
// producer state together). Object names inside are relative to the partition's prefix.

import { StorageError } from "../engine.ts";
import type { ProducerBatch } from "../producer-state.ts";

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
}

export interface ProducerEntry {
  producerEpoch: number;
  lastAppendMs: number;
  /** Oldest first, at most RETAINED_BATCHES. */
  batches: ProducerBatch[];
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
}

export interface Segment {
  level: number;
  data: DataRef[];
  entries: Entry[];
  segments: SegmentRef[];
}

export const EMPTY_INDEX: PartitionIndex = { deleted: false, logStartOffset: 0, highWatermark: 0, segments: [], data: [], entries: [], producers: new Map() };

/** What a deleted topic leaves in place of each partition's index. */
export const DELETED_INDEX: PartitionIndex = { ...EMPTY_INDEX, deleted: true };

type Row = readonly unknown[];

const encodeEntry = (e: Entry) => [e.baseOffset, e.lastOffset, e.maxTimestamp, e.data, e.position, e.length];
const encodeData = (d: DataRef) => [d.name, d.size];
const encodeRef = (s: SegmentRef) => [s.name, s.level, s.baseOffset, s.lastOffset, s.maxTimestamp, s.bytes, s.oldest, s.newest];

export function encodeIndex(index: PartitionIndex): Uint8Array {
  const producers = [...index.producers].map(([id, p]) => [id, p.producerEpoch, p.lastAppendMs, p.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset])]);
  return json({
    v: 1,
    ...(index.deleted ? { deleted: true } : {}),
    logStartOffset: index.logStartOffset,
    highWatermark: index.highWatermark,
    segments: index.segments.map(encodeRef),
    data: index.data.map(encodeData),
    entries: index.entries.map(encodeEntry),
    producers,
  });
}

export function encodeSegment(segment: Segment): Uint8Array {
  return json({ v: 1, level: segment.level, data: segment.data.map(encodeData), entries: segment.entries.map(encodeEntry), segments: segment.segments.map(encodeRef) });
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decodeIndex(bytes: Uint8Array, where: string): PartitionIndex {
  const o = parseObject(bytes, where);
  const producers = new Map<number, ProducerEntry>();
  for (const row of rows(o.producers, where)) {
    const [id, producerEpoch, lastAppendMs, batches] = row;
    producers.set(num(id, where), {
      producerEpoch: num(producerEpoch, where),
      lastAppendMs: num(lastAppendMs, where),
      batches: rows(batches, where).map((b) => ({ firstSeq: num(b[0], where), lastSeq: num(b[1], where), baseOffset: num(b[2], where), lastOffset: num(b[3], where) })),
    });
  }
  return {
    deleted: o.deleted === true,
    logStartOffset: num(o.logStartOffset, where),
    highWatermark: num(o.highWatermark, where),
    segments: rows(o.segments, where).map((r) => decodeRef(r, where)),
    data: rows(o.data, where).map((r) => decodeData(r, where)),
    entries: rows(o.entries, where).map((r) => decodeEntry(r, where)),
    producers,
  };
}

export function decodeSegment(bytes: Uint8Array, where: string): Segment {
  const o = parseObject(bytes, where);
  return {
    level: num(o.level, where),
    data: rows(o.data, where).map((r) => decodeData(r, where)),
    entries: rows(o.entries, where).map((r) => decodeEntry(r, where)),
    segments: rows(o.segments, where).map((r) => decodeRef(r, where)),
  };
}

function parseObject(bytes: Uint8Array, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new StorageError("corrupt", `${where} is not JSON`, { cause: e });
  }
  if (typeof value !== "object" || value === null || (value as { v?: unknown }).v !== 1) throw new StorageError("corrupt", `${where} is not a version 1 object`);
  return value as Record<string, unknown>;
}

function rows(value: unknown, where: string): Row[] {
  if (!Array.isArray(value) || !value.every(Array.isArray)) throw new StorageError("corrupt", `${where} has a malformed list`);
  return value as Row[];
}

function num(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new StorageError("corrupt", `${where} has a malformed number`);
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== "string") throw new StorageError("corrupt", `${where} has a malformed name`);
  return value;
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
