// Transactional ids as admin tools see them (DescribeTransactions, ListTransactions).

import type { FailureCode } from "../protocol/errors.ts";
import type { Engine } from "../storage/engine.ts";
import type { TransactionState } from "./state.ts";
import { parseTransaction, storageFailure } from "./store.ts";

export const STATE_NAMES: readonly string[] = ["Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"];

export async function allTransactions(engine: Engine): Promise<{ ok: true; transactions: { transactionalId: string; state: TransactionState }[] } | { ok: false; errorCode: FailureCode }> {
  try {
    const stored = await engine.listTransactions();
    return { ok: true, transactions: stored.map((s) => ({ transactionalId: s.transactionalId, state: parseTransaction(s) })) };
  } catch (e) {
    return storageFailure(e);
  }
}
