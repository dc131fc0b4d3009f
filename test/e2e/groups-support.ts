// Watching consumer groups from the tests' side: the group state brokers keep in the engine, and
// what each consumer was assigned and consumed.

import { expect } from "bun:test";
import { parseGroup } from "../../src/groups/coordinator.ts";
import type { GroupState } from "../../src/groups/state.ts";
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

/** One consumer's view: its latest assignment and every record it consumed. */
export class Tracker {
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

/** The group is Stable with `members` members that all synced, and the trackers split `partitions` without overlap. */
export async function settledOn(engine: Engine, groupId: string, trackers: readonly Tracker[], partitions: number): Promise<boolean> {
  const group = await groupState(engine, groupId);
  if (group?.state !== "Stable" || group.members.length !== trackers.length || group.pendingSync.length > 0) return false;
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
