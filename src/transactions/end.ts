// EndTxn: decide the outcome (PrepareCommit/PrepareAbort), then write the markers and pending
// offsets before answering. A retry of a decided or finished outcome gets the same answer.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { completeTransaction } from "./complete.ts";
import type { TransactionContext } from "./context.ts";
import { checkProducer } from "./producer.ts";
import type { TransactionState } from "./state.ts";
import { updateTransaction } from "./store.ts";

type Step = { kind: "answer"; errorCode: FailureCode | 0 } | { kind: "complete"; state: TransactionState };

const MAX_ROUNDS = 10;

function decide(current: TransactionState | null, producerId: number, producerEpoch: number, commit: boolean, now: number): { state: TransactionState | null; reply: Step } {
  const answer = (errorCode: FailureCode | 0) => ({ state: current, reply: { kind: "answer", errorCode } as Step });
  const invalid = checkProducer(current, producerId, producerEpoch);
  if (invalid !== null || current === null) return answer(invalid ?? ErrorCodes.INVALID_PRODUCER_ID_MAPPING);
  const prepare = commit ? "PrepareCommit" : "PrepareAbort";
  const complete = commit ? "CompleteCommit" : "CompleteAbort";
  switch (current.state) {
    case "Ongoing": {
      const state: TransactionState = { ...current, state: prepare, txnLastUpdateTimestamp: now };
      return { state, reply: { kind: "complete", state } };
    }
    case prepare:
      return { state: current, reply: { kind: "complete", state: current } };
    case complete:
      return answer(0);
    default:
      return answer(ErrorCodes.INVALID_TXN_STATE);
  }
}

export async function endTransaction(ctx: TransactionContext, transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<FailureCode | 0> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const applied = await updateTransaction<Step>(ctx.engine, transactionalId, (current, now) => decide(current, producerId, producerEpoch, commit, now));
    if (!applied.ok) return applied.errorCode;
    if (applied.reply.kind === "answer") return applied.reply.errorCode;
    const done = await completeTransaction(ctx.engine, transactionalId, applied.reply.state, ctx.log);
    if (!done.ok) return done.errorCode;
    if (done.reply === "completed") return 0;
  }
  return ErrorCodes.CONCURRENT_TRANSACTIONS;
}
