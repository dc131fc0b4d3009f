// A reproducible set of records with every shape a client can send (keys, null keys, null values,
// headers, explicit timestamps) and a check that what came back is exactly what was sent.

import { expect } from "bun:test";

export interface SentRecord {
  id: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
  partition: number;
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

export const BASE_TIMESTAMP = 1_700_000_000_000;

export function makeRecords(count: number, firstId: number, partitions: number): SentRecord[] {
  return Array.from({ length: count }, (_, i): SentRecord => {
    const id = firstId + i;
    return {
      id,
      key: id % 7 === 0 ? null : `key-${id % 101}`,
      value: id % 10 === 3 ? null : `value-${id}-${"x".repeat(id % 50)}`,
      headers: id % 4 === 0 ? {} : { id: String(id), kind: id % 2 === 0 ? "even" : "odd" },
      timestamp: BASE_TIMESTAMP + id,
      partition: id % partitions,
    };
  });
}

/** The record's id: from its header, or, for records without headers, from its timestamp. */
export function idOf(r: ConsumedRecord): number {
  return r.timestamp - BASE_TIMESTAMP;
}

export function expectExactly(sent: readonly SentRecord[], consumed: readonly ConsumedRecord[]): void {
  expect(consumed.length).toBe(sent.length);
  const byId = new Map<number, ConsumedRecord>();
  for (const r of consumed) {
    const id = idOf(r);
    expect(byId.has(id)).toBe(false);
    byId.set(id, r);
  }
  for (const s of sent) {
    const r = byId.get(s.id);
    expect(r).toBeDefined();
    if (r === undefined) continue;
    expect({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, partition: r.partition }).toEqual({
      key: s.key,
      value: s.value,
      headers: s.headers,
      timestamp: s.timestamp,
      partition: s.partition,
    });
  }
  // offsets of every partition are 0, 1, 2, … with no hole and no duplicate
  const perPartition = new Map<number, number[]>();
  for (const r of consumed) perPartition.set(r.partition, [...(perPartition.get(r.partition) ?? []), r.offset]);
  for (const offsets of perPartition.values()) {
    offsets.sort((a, b) => a - b);
    expect(offsets).toEqual(offsets.map((_, i) => i));
  }
}
