// What every broker does every transaction.abort.timed.out.transaction.cleanup.interval.ms, safe
// with any number of brokers because each change is a compare-and-swap: abort transactions open
// past their timeout (bumping the epoch, so the producer is fenced), finish Prepare states left
// behind by a broker that died, and forget ids idle past transactional.id.expiration.ms.

import { completeTransaction } from "./complete.ts";
import { PREPARE_TAKEOVER_MS, type TransactionContext } from "./context.ts";
import { allTransactions } from "./list.ts";
import { canBegin, isPreparing, type TransactionState } from "./state.ts";
import { updateTransaction } from "./store.ts";

export interface SweepConfig {
  transactionalIdExpirationMs: number;
}

function timedOut(t: TransactionState, now: number): boolean {
  return t.state === "Ongoing" && now - t.txnStartTimestamp > t.transactionTimeoutMs;
}

async function abortTimedOut(ctx: TransactionContext, transactionalId: string): Promise<void> {
  const applied = await updateTransaction<TransactionState | null>(ctx.engine, transactionalId, (current, now) => {
    if (current === null || !timedOut(current, now)) return { state: current, reply: null };
    const state: TransactionState = { ...current, state: "PrepareAbort", producerEpoch: current.producerEpoch + 1, lastProducerEpoch: current.producerEpoch, txnLastUpdateTimestamp: now };
    return { state, reply: state };
  });
  if (!applied.ok || applied.reply === null) return;
  ctx.log.info("transaction timed out; aborted", { transactionalId, producerId: applied.reply.producerId });
  await completeTransaction(ctx.engine, transactionalId, applied.reply, ctx.log);
}

async function expire(ctx: TransactionContext, transactionalId: string, expirationMs: number): Promise<void> {
  await updateTransaction(ctx.engine, transactionalId, (current, now) => {
    const idle = current !== null && canBegin(current) && now - current.txnLastUpdateTimestamp > expirationMs;
    return { state: idle ? null : current, reply: null };
  });
}

export async function sweepTransactions(ctx: TransactionContext, config: SweepConfig): Promise<void> {
  const all = await allTransactions(ctx.engine);
  if (!all.ok) return;
  const now = Date.now();
  for (const { transactionalId, state } of all.transactions) {
    if (timedOut(state, now)) await abortTimedOut(ctx, transactionalId);
    else if (isPreparing(state) && now - state.txnLastUpdateTimestamp >= PREPARE_TAKEOVER_MS) await completeTransaction(ctx.engine, transactionalId, state, ctx.log);
    else if (canBegin(state) && now - state.txnLastUpdateTimestamp > config.transactionalIdExpirationMs) await expire(ctx, transactionalId, config.transactionalIdExpirationMs);
  }
}
