// Runs the pure transitions against storage: read the group, apply, compare-and-swap
// (storage/compare-and-swap.ts).
// Requests that must wait (JoinGroup for the rebalance, SyncGroup for the leader) sleep on the
// engine's group-change notification and wake for the next timer, which they then fire themselves.

import type { BrokerConfig } from "../config.ts";
import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { applyByCas } from "../storage/compare-and-swap.ts";
import { type Engine, StorageError, type StoredGroup } from "../storage/engine.ts";
import type { GroupConfig, GroupState, Transition } from "./state.ts";
import { nextDeadline, settled } from "./timers.ts";

export type Applied<R> = { ok: true; reply: R; group: GroupState | null; version: string | null } | { ok: false; errorCode: FailureCode };

/** A waiting request re-reads the group at least this often, notification or not. */
const MAX_WAIT_SLICE_MS = 30_000;
const STATES = new Set(["Empty", "PreparingRebalance", "CompletingRebalance", "Stable"]);

export function groupConfig(config: BrokerConfig): GroupConfig {
  return {
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
  };
}

export function parseGroup(stored: StoredGroup): GroupState {
  let group: unknown;
  try {
    group = JSON.parse(stored.state);
  } catch (e) {
    throw new StorageError("corrupt", `group ${stored.groupId} is not JSON`, { cause: e });
  }
  if (typeof group !== "object" || group === null || !("state" in group) || !STATES.has(String(group.state)) || !("members" in group) || !Array.isArray(group.members)) {
    throw new StorageError("corrupt", `group ${stored.groupId} has a malformed state`);
  }
  return group as GroupState;
}

/** Storage failures become the error clients retry after finding the coordinator again. */
function storageFailure(e: unknown): { ok: false; errorCode: FailureCode } {
  if (e instanceof StorageError) return { ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE };
  throw e;
}

/** Applies `step` to the stored group and writes the result by compare-and-swap. */
export async function updateGroup<R>(engine: Engine, groupId: string, step: (group: GroupState | null, now: number) => Transition<R>): Promise<Applied<R>> {
  try {
    const applied = await applyByCas<GroupState, R>(
      {
        get: () => engine.getGroup(groupId),
        put: (text, expected) => engine.putGroup(groupId, text, expected),
        delete: (expected) => engine.deleteGroup(groupId, expected),
        parse: (stored) => parseGroup({ groupId, ...stored }),
      },
      (group, now) => {
        const t = step(group, now);
        return { state: t.group, reply: t.reply };
      },
    );
    if (!applied.ok) return { ok: false, errorCode: ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS };
    return { ok: true, reply: applied.reply, group: applied.state, version: applied.version };
  } catch (e) {
    return storageFailure(e);
  }
}

/** The group as of now, without writing (for describing and listing). */
export async function readGroup(engine: Engine, groupId: string, config: GroupConfig): Promise<{ ok: true; group: GroupState | null } | { ok: false; errorCode: FailureCode }> {
  try {
    const stored = await engine.getGroup(groupId);
    return { ok: true, group: stored === null ? null : settled(parseGroup(stored), Date.now(), config) };
  } catch (e) {
    return storageFailure(e);
  }
}

export interface Waiting {
  group: GroupState | null;
  version: string | null;
}

/**
 * Waits until `outcome` has an answer for the group, firing due timers on the way. A closed
 * connection or a stopping broker (`signal`) ends the wait with NOT_COORDINATOR, which clients
 * answer by finding the coordinator again and retrying.
 */
export async function awaitOutcome<T>(
  engine: Engine,
  groupId: string,
  config: GroupConfig,
  signal: AbortSignal,
  start: Waiting,
  outcome: (group: GroupState | null) => T | null,
): Promise<{ ok: true; value: T } | { ok: false; errorCode: FailureCode }> {
  let { group, version } = start;
  try {
    for (;;) {
      const now = Date.now();
      const due = group === null ? null : nextDeadline(group);
      if (due !== null && due <= now) {
        const fired = await updateGroup(engine, groupId, (g, t) => ({ group: g === null ? null : settled(g, t, config), reply: null }));
        if (!fired.ok) return fired;
        ({ group, version } = fired);
        continue;
      }
      const value = outcome(group);
      if (value !== null) return { ok: true, value };
      if (signal.aborted) return { ok: false, errorCode: ErrorCodes.NOT_COORDINATOR };
      const until = Math.min(due ?? Infinity, now + MAX_WAIT_SLICE_MS);
      await engine.waitForGroupChange(groupId, version, until - now, signal);
      const stored = await engine.getGroup(groupId);
      // woken early with nothing changed: make sure the engine has not been closed under us
      if ((stored?.version ?? null) === version && Date.now() < until && !signal.aborted) await engine.ping();
      group = stored === null ? null : parseGroup(stored);
      version = stored?.version ?? null;
    }
  } catch (e) {
    return storageFailure(e);
  }
}
