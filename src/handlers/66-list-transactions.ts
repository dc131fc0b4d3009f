// ListTransactions (key 66), v0–1: every transactional id, filtered by state names (unknown names
// come back in unknownStateFilters), producer ids and, v1 (KIP-994), by running longer than
// durationFilter ms.
// Authorization: only the transactional ids the sender may DESCRIBE are listed.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { ListTransactionsApi, type ListTransactionsRequest, type ListTransactionsResponse } from "../protocol/generated/list-transactions.ts";
import { allTransactions, STATE_NAMES } from "../transactions/list.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<ListTransactionsRequest, ListTransactionsResponse>({
  api: ListTransactionsApi,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { broker } = ctx;
    const unknownStateFilters = request.stateFilters.filter((s) => !STATE_NAMES.includes(s));
    const all = await allTransactions(broker.engine);
    if (!all.ok) return { throttleTimeMs: 0, errorCode: all.errorCode, unknownStateFilters, transactionStates: [] };
    const now = Date.now();
    const producerIds = new Set(request.producerIdFilters.map(Number));
    const duration = Number(request.durationFilter);
    const transactionStates = all.transactions
      .filter(({ transactionalId }) => allowed(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId))
      .filter(({ state }) => request.stateFilters.length === 0 || request.stateFilters.includes(state.state))
      .filter(({ state }) => producerIds.size === 0 || producerIds.has(state.producerId))
      .filter(({ state }) => duration < 0 || (state.txnStartTimestamp >= 0 && now - state.txnStartTimestamp > duration))
      .map(({ transactionalId, state }) => ({ transactionalId, producerId: BigInt(state.producerId), transactionState: state.state }));
    return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, unknownStateFilters, transactionStates };
  },
});
