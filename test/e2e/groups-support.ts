// Watching consumer groups from the tests' side: the group state brokers keep in the engine, and
// what each consumer was assigned and consumed.

import { expect } from "bun:test";
import { parseGroup } from "../../src/groups/coordinator.ts";
import { type GroupState, fromBase64 } from "../../src/groups/state.ts";
import { Reader } from "../../src/protocol/primitives.ts";
import type { Engine } from "../../src/storage/engine.ts";

export async function groupState(engine: Engine, groupId: string): Promise<GroupState | null> {
  const stored = await engine.getGroup(groupId);
  return stored === null ? null : parseGroup(stored);
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const since = performance.now();
  while (!(await check())) {
    if (performance.now() - since > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
  return performance.now() - since;
}

/** One consumer's view: its member id, latest assignment and every record it consumed. */
export class Tracker {
  memberId = "";
  partitions: number[] = [];
  readonly consumed: { partition: number; offset: number; value: string }[] = [];
  /** Records from partitions the consumer was not assigned at the time. */
  readonly strays: number[] = [];

  constructor(readonly name: string) {}

  consume(partition: number, offset: number, value: string): void {
    if (!this.partitions.includes(partition)) this.strays.push(partition);
    this.consumed.push({ partition, offset, value });
  }
}

/** The partitions of `topic` in a ConsumerProtocolAssignment (version, then [topic, [partition]]). */
function assignedPartitions(assignment: Uint8Array, topic: string): number[] {
  if (assignment.length === 0) return [];
  const r = new Reader(assignment);
  r.int16();
  const out: number[] = [];
  for (let t = r.arrayLength(); t > 0; t--) {
    const name = r.string();
    for (let p = r.arrayLength(); p > 0; p--) {
      const partition = r.int32();
      if (name === topic) out.push(partition);
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * The group is Stable with exactly the trackers' members, each tracker has taken in the assignment
 * the group holds for it (its client processed SyncGroup), and together they cover `partitions`
 * partitions of `topic` without overlap.
 */
export async function settledOn(engine: Engine, groupId: string, topic: string, trackers: readonly Tracker[], partitions: number): Promise<boolean> {
  const group = await groupState(engine, groupId);
  if (group?.state !== "Stable" || group.members.length !== trackers.length || group.pendingSync.length > 0) return false;
  for (const t of trackers) {
    const member = group.members.find((m) => m.memberId === t.memberId);
    if (member === undefined || assignedPartitions(fromBase64(member.assignment), topic).join() !== t.partitions.join()) return false;
  }
  const all = trackers.flatMap((t) => t.partitions).sort((a, b) => a - b);
  return all.length === partitions && all.every((p, i) => p === i);
}

/** Every value in `expected` was consumed exactly once across the trackers (from `since` on). */
export function expectExactlyOnce(trackers: readonly Tracker[], expected: readonly string[], since: ReadonlyMap<Tracker, number> = new Map()): void {
  expect(trackers.flatMap((t) => t.strays)).toEqual([]);
  const values = trackers.flatMap((t) => t.consumed.slice(since.get(t) ?? 0).map((r) => r.value));
  expect(values.length).toBe(expected.length);
  expect(new Set(values)).toEqual(new Set(expected));
}

/**
 * Waits until the trackers' consumers have settled on the group's assignment, then for long-polling
 * fetches they sent under the previous assignment to end: a client may still hand out what such a
 * fetch returns (for partitions it no longer owns) after it has taken in the new assignment.
 */
export async function waitForSettled(engine: Engine, groupId: string, topic: string, trackers: readonly Tracker[], partitions: number, fetchMaxWaitMs: number): Promise<number> {
  const elapsed = await waitFor(`${trackers.length} members sharing ${partitions} partitions`, () => settledOn(engine, groupId, topic, trackers, partitions));
  await Bun.sleep(fetchMaxWaitMs * 2);
  return elapsed;
}
