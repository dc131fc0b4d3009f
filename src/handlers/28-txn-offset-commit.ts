// TxnOffsetCommit (key 28), v0–4: offsets a transaction holds for a consumer group (added by
// AddOffsetsToTxn; INVALID_TXN_STATE otherwise). OffsetFetch sees them only once the transaction
// commits; an abort drops them. v3+ (KIP-447) name the member and generation, checked like
// OffsetCommit's. A producer fenced by a newer epoch gets INVALID_PRODUCER_EPOCH.

import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { txnOffsetCommitCheck } from "../groups/membership.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { TxnOffsetCommitApi, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from "../protocol/generated/index.ts";
import type { CommittedOffset } from "../storage/engine.ts";
import { transactionContext } from "../transactions/context.ts";
import { holdTxnOffsets } from "../transactions/offsets.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

const MAX_METADATA_LENGTH = 4096;

export default defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  api: TxnOffsetCommitApi,
  minVersion: 0,
  maxVersion: 4,
  ordered: true,
  async handle(request, { broker }) {
    const now = Date.now();
    const errors = new Map<string, number>();
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const held: CommittedOffset[] = [];
    try {
      for (const t of request.topics) {
        const topic = await broker.engine.getTopic(t.name);
        for (const p of t.partitions) {
          const metadata = p.committedMetadata ?? "";
          if (topic === null || p.partitionIndex < 0 || p.partitionIndex >= topic.partitionCount) errors.set(key(t.name, p.partitionIndex), ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
          else if (metadata.length > MAX_METADATA_LENGTH) errors.set(key(t.name, p.partitionIndex), ErrorCodes.OFFSET_METADATA_TOO_LARGE);
          else held.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: now });
        }
      }
    } catch (e) {
      const errorCode = storageErrorCode(e);
      for (const t of request.topics) for (const p of t.partitions) errors.set(key(t.name, p.partitionIndex), errorCode);
    }
    if (held.length > 0) {
      const member = { memberId: request.memberId, groupInstanceId: request.groupInstanceId, generationId: request.generationId };
      const check = await updateGroup(broker.engine, request.groupId, (group, at) => txnOffsetCommitCheck(group, member, at, groupConfig(broker.config)));
      let errorCode = check.ok ? check.reply : check.errorCode;
      if (errorCode === ErrorCodes.NONE) {
        errorCode = await holdTxnOffsets(transactionContext(broker), request.transactionalId, Number(request.producerId), request.producerEpoch, request.groupId, held);
        if (errorCode === ErrorCodes.PRODUCER_FENCED) errorCode = ErrorCodes.INVALID_PRODUCER_EPOCH;
      }
      for (const o of held) errors.set(key(o.topic, o.partition), errorCode);
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCodes.NONE })),
      })),
    };
  },
});
