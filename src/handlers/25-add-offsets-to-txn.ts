// AddOffsetsToTxn (key 25), v0–4: adds a consumer group to the transaction, so the offsets that
// TxnOffsetCommit then holds for it commit or abort with the transaction. v0–1 get
// INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.
// Authorization, in Kafka's order: WRITE on the transactional id
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then READ on the group (GROUP_AUTHORIZATION_FAILED).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { AddOffsetsToTxnApi, type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponse } from "../protocol/generated/add-offsets-to-txn.ts";
import { addToTransaction } from "../transactions/add.ts";
import { transactionContext } from "../transactions/context.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  api: AddOffsetsToTxnApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    if (!allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCodes.GROUP_AUTHORIZATION_FAILED };
    const errorCode = await addToTransaction(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, { partitions: [], groupId: request.groupId });
    return { throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 2) };
  },
});
