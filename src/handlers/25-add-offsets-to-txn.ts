// AddOffsetsToTxn (key 25), v0–4: adds a consumer group to the transaction, so the offsets that
// TxnOffsetCommit then holds for it commit or abort with the transaction. v0–1 get
// INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.

import { AddOffsetsToTxnApi, type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponse } from "../protocol/generated/index.ts";
import { addToTransaction } from "../transactions/add.ts";
import { transactionContext } from "../transactions/context.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  api: AddOffsetsToTxnApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const errorCode = await addToTransaction(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, { partitions: [], groupId: request.groupId });
    return { throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 2) };
  },
});
