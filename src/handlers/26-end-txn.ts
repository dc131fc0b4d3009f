// EndTxn (key 26), v0–4: commits or aborts the producer's transaction. The answer comes once a
// marker is stored in every partition of the transaction and, on commit, its held offsets are
// committed (src/transactions/end.ts), so a consumer reading after the answer sees the outcome.
// v0–1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.
// Authorization: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { EndTxnApi, type EndTxnRequest, type EndTxnResponse } from "../protocol/generated/end-txn.ts";
import { transactionContext } from "../transactions/context.ts";
import { endTransaction } from "../transactions/end.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<EndTxnRequest, EndTxnResponse>({
  api: EndTxnApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    if (!allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const errorCode = await endTransaction(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, request.committed);
    return { throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 2) };
  },
});
