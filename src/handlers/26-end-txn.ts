// EndTxn (key 26), v0–4: commits or aborts the producer's transaction. The answer comes once a
// marker is stored in every partition of the transaction and, on commit, its held offsets are
// committed (src/transactions/end.ts), so a consumer reading after the answer sees the outcome.
// v0–1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.

import { EndTxnApi, type EndTxnRequest, type EndTxnResponse } from "../protocol/generated/index.ts";
import { transactionContext } from "../transactions/context.ts";
import { endTransaction } from "../transactions/end.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<EndTxnRequest, EndTxnResponse>({
  api: EndTxnApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const errorCode = await endTransaction(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, request.committed);
    return { throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 2) };
  },
});
