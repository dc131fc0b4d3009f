// A request that finds its transactional id in PrepareCommit/PrepareAbort: finish it when it has
// been left behind, else tell the client to retry (CONCURRENT_TRANSACTIONS) while it is finished.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { completeTransaction } from "./complete.ts";
import { PREPARE_TAKEOVER_MS, type TransactionContext } from "./context.ts";
import { isPreparing, type TransactionState } from "./state.ts";
import { updateTransaction } from "./store.ts";

/** null once the state may be read again; else the error to answer. */
export async function settlePrepared(ctx: TransactionContext, transactionalId: string, prepared: TransactionState): Promise<FailureCode | null> {
  if (Date.now() - prepared.txnLastUpdateTimestamp < PREPARE_TAKEOVER_MS) return ErrorCodes.CONCURRENT_TRANSACTIONS;
  const done = await completeTransaction(ctx.engine, transactionalId, prepared, ctx.log);
  return done.ok ? null : done.errorCode;
}

type Step = { kind: "answer"; errorCode: FailureCode | 0 } | { kind: "prepared"; state: TransactionState };

const MAX_ROUNDS = 10;

/** Applies a transition that needs a settled state (not Prepare*), settling it first. */
export async function updateSettled(
  ctx: TransactionContext,
  transactionalId: string,
  transition: (current: TransactionState | null, now: number) => { state: TransactionState | null; errorCode: FailureCode | 0 },
): Promise<FailureCode | 0> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const applied = await updateTransaction<Step>(ctx.engine, transactionalId, (current, now) => {
      if (current !== null && isPreparing(current)) return { state: current, reply: { kind: "prepared", state: current } };
      const { state, errorCode } = transition(current, now);
      return { state, reply: { kind: "answer", errorCode } };
    });
    if (!applied.ok) return applied.errorCode;
    if (applied.reply.kind === "answer") return applied.reply.errorCode;
    const settled = await settlePrepared(ctx, transactionalId, applied.reply.state);
    if (settled !== null) return settled;
  }
  return ErrorCodes.CONCURRENT_TRANSACTIONS;
}
