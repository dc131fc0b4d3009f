// Runs transitions against storage: read the id's state, apply, compare-and-swap
// (storage/compare-and-swap.ts).

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { applyByCas } from "../storage/compare-and-swap.ts";
import { type Engine, StorageError, type StoredTransaction } from "../storage/engine.ts";
import type { TransactionState } from "./state.ts";

export type Applied<R> = { ok: true; reply: R; state: TransactionState | null; version: string | null } | { ok: false; errorCode: FailureCode };

/** A transition: the state afterwards (null: delete the id) and the answer to the request. */
export interface Transition<R> {
  state: TransactionState | null;
  reply: R;
}

const STATES = new Set(["Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort"]);

export function parseTransaction(stored: StoredTransaction): TransactionState {
  let value: unknown;
  try {
    value = JSON.parse(stored.state);
  } catch (e) {
    throw new StorageError("corrupt", `transactional id ${stored.transactionalId} is not JSON`, { cause: e });
  }
  if (typeof value !== "object" || value === null || !("state" in value) || !STATES.has(String(value.state)) || !("partitions" in value) || !Array.isArray(value.partitions)) {
    throw new StorageError("corrupt", `transactional id ${stored.transactionalId} has a malformed state`);
  }
  return value as TransactionState;
}

/** Storage failures become the error clients retry after finding the coordinator again. */
export function storageFailure(e: unknown): { ok: false; errorCode: FailureCode } {
  if (e instanceof StorageError) return { ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE };
  throw e;
}

/** Applies `step` to the stored state and writes the result by compare-and-swap. */
export async function updateTransaction<R>(
  engine: Engine,
  transactionalId: string,
  step: (state: TransactionState | null, now: number) => Transition<R>,
): Promise<Applied<R>> {
  try {
    const applied = await applyByCas<TransactionState, R>(
      {
        get: () => engine.getTransaction(transactionalId),
        put: (text, expected) => engine.putTransaction(transactionalId, text, expected),
        delete: (expected) => engine.deleteTransaction(transactionalId, expected),
        parse: (stored) => parseTransaction({ transactionalId, ...stored }),
      },
      step,
    );
    return applied.ok ? applied : { ok: false, errorCode: ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS };
  } catch (e) {
    return storageFailure(e);
  }
}

export async function readTransaction(engine: Engine, transactionalId: string): Promise<{ ok: true; state: TransactionState | null } | { ok: false; errorCode: FailureCode }> {
  try {
    const stored = await engine.getTransaction(transactionalId);
    return { ok: true, state: stored === null ? null : parseTransaction(stored) };
  } catch (e) {
    return storageFailure(e);
  }
}
