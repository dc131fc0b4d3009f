// The rows of a partition index and its segments as JSON (docs/s3-layout.md):
//   entry:   [baseOffset, lastOffset, maxTimestamp, dataNumber, position, length]
//   data:    [name, size]
//   segment: [name, level, baseOffset, lastOffset, maxTimestamp, bytes, oldest, newest(, abortedFrom(, batches))]
//            (abortedFrom -1 when there is none but the batch count follows)
//   garbage: [droppedAtMs, [dataName, …], [segment row, …]]

import { StorageError } from "../engine.ts";
import type { GarbageGroup } from "./garbage.ts";
import { num, rows, str, type Row } from "./json-rows.ts";
import type { DataRef, Entry, SegmentRef } from "./partition-index.ts";

export const encodeEntry = (e: Entry) => [e.baseOffset, e.lastOffset, e.maxTimestamp, e.data, e.position, e.length];
export const encodeData = (d: DataRef) => [d.name, d.size];

export function encodeRef(s: SegmentRef): unknown[] {
  const row: unknown[] = [s.name, s.level, s.baseOffset, s.lastOffset, s.maxTimestamp, s.bytes, s.oldest, s.newest];
  if (s.abortedFrom >= 0 || s.batches >= 0) row.push(s.abortedFrom);
  if (s.batches >= 0) row.push(s.batches);
  return row;
}

export function encodeGarbage(groups: readonly GarbageGroup[]): unknown[] {
  return groups.map((g) => [g.at, g.data, g.segments.map(encodeRef)]);
}

export function decodeEntry(r: Row, where: string): Entry {
  return { baseOffset: num(r[0], where), lastOffset: num(r[1], where), maxTimestamp: num(r[2], where), data: num(r[3], where), position: num(r[4], where), length: num(r[5], where) };
}

export function decodeData(r: Row, where: string): DataRef {
  return { name: str(r[0], where), size: num(r[1], where) };
}

export function decodeRef(r: Row, where: string): SegmentRef {
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
    batches: r[9] === undefined ? -1 : num(r[9], where),
  };
}

export function decodeGarbage(list: readonly Row[], where: string): GarbageGroup[] {
  return list.map((r) => {
    const names = r[1];
    if (!Array.isArray(names)) throw new StorageError("corrupt", `${where} has a malformed garbage list`);
    return { at: num(r[0], where), data: names.map((n: unknown) => str(n, where)), segments: rows(r[2], where).map((s) => decodeRef(s, where)) };
  });
}
