// AddPartitionsToTxn (key 24), v0–3 (v4+ batch many transactions, broker to broker; clients send
// v0–3). The first call of a transaction begins it. Every partition gets the same answer, except
// that partitions of topics the sender may not WRITE get TOPIC_AUTHORIZATION_FAILED, those of
// unknown topics UNKNOWN_TOPIC_OR_PARTITION, and the rest then OPERATION_NOT_ATTEMPTED, nothing
// added, as in Kafka. v0–1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.
// Authorization: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED for
// every partition; WRITE on each topic as above.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { AddPartitionsToTxnApi, type AddPartitionsToTxnRequest, type AddPartitionsToTxnResponse } from "../protocol/generated/add-partitions-to-txn.ts";
import type { TopicPartition } from "../storage/engine.ts";
import { addToTransaction } from "../transactions/add.ts";
import { transactionContext } from "../transactions/context.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type Topics = AddPartitionsToTxnRequest["v3AndBelowTopics"];

function answer(topics: Topics, errorOf: (topic: string, partition: number) => number): AddPartitionsToTxnResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCodes.NONE,
    resultsByTransaction: [],
    resultsByTopicV3AndBelow: topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: errorOf(t.name, p) })) })),
  };
}

/** Errors of partitions that may not be written or do not exist, by "topic/partition"; null when there are none. */
async function failedPartitions(topics: Topics, writable: (name: string) => boolean, lookup: (name: string) => Promise<{ partitionCount: number } | null>): Promise<Map<string, number> | null> {
  const failed = new Map<string, number>();
  for (const t of topics) {
    if (!writable(t.name)) {
      for (const p of t.partitions) failed.set(`${t.name}/${p}`, ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
      continue;
    }
    const info = await lookup(t.name);
    for (const p of t.partitions) if (info === null || p < 0 || p >= info.partitionCount) failed.set(`${t.name}/${p}`, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  }
  return failed.size === 0 ? null : failed;
}

export default defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  api: AddPartitionsToTxnApi,
  minVersion: 0,
  maxVersion: 3,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    const topics = request.v3AndBelowTopics;
    if (!allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.v3AndBelowTransactionalId)) return answer(topics, () => ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const writable = (name: string) => allowed(ctx, AclOperation.WRITE, ResourceType.TOPIC, name);
    try {
      const failed = await failedPartitions(topics, writable, (name) => broker.engine.getTopic(name));
      if (failed !== null) return answer(topics, (t, p) => failed.get(`${t}/${p}`) ?? ErrorCodes.OPERATION_NOT_ATTEMPTED);
    } catch (e) {
      const errorCode = storageErrorCode(e);
      return answer(topics, () => errorCode);
    }
    const partitions: TopicPartition[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const errorCode = await addToTransaction(transactionContext(broker), request.v3AndBelowTransactionalId, Number(request.v3AndBelowProducerId), request.v3AndBelowProducerEpoch, { partitions, groupId: null });
    return answer(topics, () => fencedFor(errorCode, apiVersion, 2));
  },
});
