// TxnOffsetCommit (key 28), v0–4: offsets a transaction holds for a consumer group (added by
// AddOffsetsToTxn; INVALID_TXN_STATE otherwise). OffsetFetch sees them only once the transaction
// commits; an abort drops them. v3+ (KIP-447) name the member and generation, checked like
// OffsetCommit's. A producer fenced by a newer epoch gets INVALID_PRODUCER_EPOCH.
// Authorization, in Kafka's order, each failure answered on every partition: WRITE on the
// transactionalId (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), READ on the group
// (GROUP_AUTHORIZATION_FAILED); then READ on each topic (TOPIC_AUTHORIZATION_FAILED for its partitions).

import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { txnOffsetCommitCheck } from "../groups/membership.ts";
import { answerPartitions, checkOffsetPartitions, offsetKey } from "../groups/offset-partitions.ts";
import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { TxnOffsetCommitApi, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from "../protocol/generated/txn-offset-commit.ts";
import { transactionContext } from "../transactions/context.ts";
import { holdTxnOffsets } from "../transactions/offsets.ts";
import { defineHandler, type RequestContext } from "./handler.ts";
import { everyPartition, readableTopics } from "./offsets/authorize.ts";
import { storageErrorCode } from "./storage-errors.ts";

function refusal(ctx: RequestContext, request: TxnOffsetCommitRequest): number {
  if (!allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return ErrorCodes.GROUP_AUTHORIZATION_FAILED;
  return ErrorCodes.NONE;
}

export default defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  api: TxnOffsetCommitApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const refusedAll = refusal(ctx, request);
    if (refusedAll !== ErrorCodes.NONE) return { throttleTimeMs: 0, topics: answerPartitions(request.topics, everyPartition(request.topics, refusedAll)) };
    const now = Date.now();
    const { readable, refused } = readableTopics(ctx, request.topics);
    let checked: Awaited<ReturnType<typeof checkOffsetPartitions>>;
    try {
      checked = await checkOffsetPartitions(broker, readable, () => now);
    } catch (e) {
      const errorCode = storageErrorCode(e);
      return { throttleTimeMs: 0, topics: answerPartitions(request.topics, everyPartition(request.topics, errorCode)) };
    }
    const { errors, accepted: held } = checked;
    for (const [key, errorCode] of refused) errors.set(key, errorCode);
    if (held.length > 0) {
      const member = { memberId: request.memberId, groupInstanceId: request.groupInstanceId, generationId: request.generationId };
      const check = await updateGroup(broker.engine, request.groupId, (group, at) => txnOffsetCommitCheck(group, member, at, groupConfig(broker.config)));
      let errorCode = check.ok ? check.reply : check.errorCode;
      if (errorCode === ErrorCodes.NONE) {
        errorCode = await holdTxnOffsets(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, request.groupId, held);
        if (errorCode === ErrorCodes.PRODUCER_FENCED) errorCode = ErrorCodes.INVALID_PRODUCER_EPOCH;
      }
      for (const o of held) errors.set(offsetKey(o.topic, o.partition), errorCode);
    }
    return { throttleTimeMs: 0, topics: answerPartitions(request.topics, errors) };
  },
});
