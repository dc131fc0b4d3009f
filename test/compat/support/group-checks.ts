// What the compat group tests check: the members' assignments split the partitions without overlap,
// and in each phase every produced record was consumed exactly once, by a member holding its
// partition, at offsets that run on from where the phase began.

import type { GroupMember } from "./group-member.ts";
import type { SentRecord } from "./records.ts";

/** `count` records with unique keys and values, e.g. "first-k7" / "first-v7". */
export function keyedRecords(phase: string, count: number): SentRecord[] {
  return Array.from({ length: count }, (_, seq) => ({ run: phase, seq, key: `${phase}-k${seq}`, value: `${phase}-v${seq}`, headers: [], timestamp: null }));
}

/** The members' current assignments are disjoint, cover partitions 0…n-1, and differ in size by at most one. */
export function splitEvenly(members: readonly GroupMember[], partitions: number): boolean {
  const all = members.flatMap((m) => m.partitions).sort((a, b) => a - b);
  const sizes = members.map((m) => m.partitions.length);
  return all.length === partitions && all.every((p, i) => p === i) && Math.max(...sizes) - Math.min(...sizes) <= 1;
}

export function consumedSinceMark(members: readonly GroupMember[]): number {
  return members.reduce((n, m) => n + m.consumed.length - m.markedAt, 0);
}

export interface PhaseResult {
  /** Empty when the phase is right. */
  problems: string[];
  /** Each partition's end offset after the phase. */
  ends: number[];
}

const MAX_PROBLEMS = 20;

/** Checks what the members consumed since their mark() against `sent`, given each partition's end offset before. */
export function checkPhase(members: readonly GroupMember[], sent: readonly SentRecord[], before: readonly number[]): PhaseResult {
  const problems: string[] = [];
  const expected = new Map(sent.map((r) => [r.value, r]));
  const seenBy = new Map<string | null, string>();
  const offsets = before.map((): number[] => []);
  for (const m of members) {
    for (const r of m.sinceMark()) {
      const where = `${m.name} read ${r.partition}/${r.offset} (${JSON.stringify(r.key)}: ${JSON.stringify(r.value)})`;
      const s = expected.get(r.value);
      const earlier = seenBy.get(r.value);
      if (s === undefined) problems.push(`${where}: not produced in this phase`);
      else if (earlier !== undefined) problems.push(`${where}: already consumed by ${earlier}`);
      else if (s.key !== r.key) problems.push(`${where}: produced with key ${JSON.stringify(s.key)}`);
      seenBy.set(r.value, m.name);
      if (!m.heldSinceMark.has(r.partition)) problems.push(`${where}: ${m.name} held only [${[...m.heldSinceMark].join(",")}]`);
      const list = offsets[r.partition];
      if (list === undefined) problems.push(`${where}: no such partition`);
      else list.push(r.offset);
    }
  }
  const missing = sent.filter((r) => !seenBy.has(r.value));
  if (missing.length > 0) problems.push(`${missing.length} of ${sent.length} records never consumed, e.g. ${missing.slice(0, 3).map((r) => r.value).join(", ")}`);
  const ends = offsets.map((list, p) => {
    const from = before[p] ?? 0;
    list.sort((a, b) => a - b);
    const gap = list.findIndex((o, i) => o !== from + i);
    if (gap >= 0) problems.push(`partition ${p}: offsets read in this phase should run on from ${from}, but record #${gap} has offset ${list[gap]}`);
    return from + list.length;
  });
  return { problems: problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems, ends };
}
