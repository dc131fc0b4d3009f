// TxnOffsetCommit (key 28), v0–4: offsets a transaction holds for a consumer group (added by
// AddOffsetsToTxn; INVALID_TXN_STATE otherwise). OffsetFetch sees them only once the transaction
// commits; an abort drops them. v3+ (KIP-447) name the member and generation, checked like
// OffsetCommit's. A producer fenced by a newer epoch gets INVALID_PRODUCER_EPOCH.

import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { txnOffsetCommitCheck } from "../groups/membership.ts";
import { answerPartitions, checkOffsetPartitions, offsetKey } from "../groups/offset-partitions.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { TxnOffsetCommitApi, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from "../protocol/generated/index.ts";
import { transactionContext } from "../transactions/context.ts";
import { holdTxnOffsets } from "../transactions/offsets.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

export default defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  api: TxnOffsetCommitApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, { broker }) {
    const now = Date.now();
    let checked: Awaited<ReturnType<typeof checkOffsetPartitions>>;
    try {
      checked = await checkOffsetPartitions(broker, request.topics, () => now);
    } catch (e) {
      const errorCode = storageErrorCode(e);
      return { throttleTimeMs: 0, topics: answerPartitions(request.topics, new Map(request.topics.flatMap((t) => t.partitions.map((p) => [offsetKey(t.name, p.partitionIndex), errorCode])))) };
    }
    const { errors, accepted: held } = checked;
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
