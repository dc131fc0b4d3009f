// InitProducerId with a transactional id. An open transaction of the id is aborted first, with
// the bumped epoch on its markers, so the older producer instance is fenced everywhere; a
// decided one (Prepare*) is finished first.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import { isEpochExhausted } from "../storage/producer-ids.ts";
import { completeTransaction } from "./complete.ts";
import type { TransactionContext } from "./context.ts";
import { type InitRequest, nextProducer } from "./producer.ts";
import { settlePrepared } from "./settle.ts";
import { isPreparing, type TransactionState } from "./state.ts";
import { readTransaction, updateTransaction } from "./store.ts";

export interface TransactionalInit extends InitRequest {
  transactionalId: string;
  transactionTimeoutMs: number;
}

export type InitResult = { errorCode: 0; producerId: number; producerEpoch: number } | { errorCode: FailureCode };

type Step = { kind: "answer"; result: InitResult } | { kind: "prepared"; state: TransactionState } | { kind: "aborting"; state: TransactionState; result: InitResult } | { kind: "again" };

const MAX_ROUNDS = 10;

function fresh(transactionTimeoutMs: number, now: number): TransactionState {
  return {
    state: "Empty",
    producerId: -1,
    producerEpoch: -1,
    lastProducerId: -1,
    lastProducerEpoch: -1,
    transactionTimeoutMs,
    partitions: [],
    groups: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
    verificationGuard: 0,
  };
}

function step(current: TransactionState | null, request: TransactionalInit, allocated: number | null, now: number): { state: TransactionState | null; reply: Step } {
  if (current !== null && isPreparing(current)) return { state: current, reply: { kind: "prepared", state: current } };
  let needsId = false;
  const next = nextProducer(current ?? undefined, request, () => {
    needsId = true;
    return allocated ?? -1;
  });
  if (needsId && allocated === null) return { state: current, reply: { kind: "again" } };
  if (next.errorCode !== 0) return { state: current, reply: { kind: "answer", result: next } };
  const { producer } = next;
  const result: InitResult = { errorCode: 0, producerId: producer.producerId, producerEpoch: producer.producerEpoch };
  const base = current ?? fresh(request.transactionTimeoutMs, now);
  if (base.state === "Ongoing") {
    const rotated = producer.producerId !== base.producerId;
    const fenced = rotated ? { producerEpoch: base.producerEpoch + 1 } : producer;
    const state: TransactionState = { ...base, ...fenced, state: "PrepareAbort", transactionTimeoutMs: request.transactionTimeoutMs, txnLastUpdateTimestamp: now };
    return { state, reply: rotated ? { kind: "aborting", state, result: { errorCode: ErrorCodes.CONCURRENT_TRANSACTIONS } } : { kind: "aborting", state, result } };
  }
  const state: TransactionState = { ...base, ...producer, state: "Empty", transactionTimeoutMs: request.transactionTimeoutMs, partitions: [], groups: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: now };
  return { state, reply: { kind: "answer", result } };
}

export async function initTransactionalProducer(ctx: TransactionContext, request: TransactionalInit): Promise<InitResult> {
  if (request.transactionalId === "") return { errorCode: ErrorCodes.INVALID_REQUEST };
  if (request.transactionTimeoutMs <= 0 || request.transactionTimeoutMs > ctx.maxTimeoutMs) return { errorCode: ErrorCodes.INVALID_TRANSACTION_TIMEOUT };
  let allocated: number | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const read = await readTransaction(ctx.engine, request.transactionalId);
    if (!read.ok) return read;
    if (allocated === null && (read.state === null || isEpochExhausted(read.state.producerEpoch))) {
      try {
        allocated = await ctx.engine.allocateProducerId();
      } catch {
        return { errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE };
      }
    }
    const applied = await updateTransaction(ctx.engine, request.transactionalId, (current, now) => step(current, request, allocated, now));
    if (!applied.ok) return applied;
    const reply = applied.reply;
    if (reply.kind === "answer") return reply.result;
    if (reply.kind === "prepared") {
      const settled = await settlePrepared(ctx, request.transactionalId, reply.state);
      if (settled !== null) return { errorCode: settled };
      continue;
    }
    if (reply.kind === "aborting") {
      const done = await completeTransaction(ctx.engine, request.transactionalId, reply.state, ctx.log);
      if (!done.ok) return done;
      if (done.reply === "completed" && reply.result.errorCode === 0) return reply.result;
    }
  }
  return { errorCode: ErrorCodes.CONCURRENT_TRANSACTIONS };
}
