// AddPartitionsToTxn (key 24), v0–3 (v4+ batch many transactions, broker to broker; clients send
// v0–3). The first call of a transaction begins it. Every partition gets the same answer, except
// that partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and the rest then
// OPERATION_NOT_ATTEMPTED, nothing added, as in Kafka. v0–1 get INVALID_PRODUCER_EPOCH for
// PRODUCER_FENCED.

import { ErrorCodes } from "../protocol/errors.ts";
import { AddPartitionsToTxnApi, type AddPartitionsToTxnRequest, type AddPartitionsToTxnResponse } from "../protocol/generated/index.ts";
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

/** Partitions that do not exist, by "topic/partition"; null when all do. */
async function unknownPartitions(topics: Topics, lookup: (name: string) => Promise<{ partitionCount: number } | null>): Promise<Set<string> | null> {
  const unknown = new Set<string>();
  for (const t of topics) {
    const info = await lookup(t.name);
    for (const p of t.partitions) if (info === null || p < 0 || p >= info.partitionCount) unknown.add(`${t.name}/${p}`);
  }
  return unknown.size === 0 ? null : unknown;
}

export default defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  api: AddPartitionsToTxnApi,
  minVersion: 0,
  maxVersion: 3,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const topics = request.v3AndBelowTopics;
    try {
      const unknown = await unknownPartitions(topics, (name) => broker.engine.getTopic(name));
      if (unknown !== null) return answer(topics, (t, p) => (unknown.has(`${t}/${p}`) ? ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION : ErrorCodes.OPERATION_NOT_ATTEMPTED));
    } catch (e) {
      const errorCode = storageErrorCode(e);
      return answer(topics, () => errorCode);
    }
    const partitions: TopicPartition[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const errorCode = await addToTransaction(transactionContext(broker), request.v3AndBelowTransactionalId, Number(request.v3AndBelowProducerId), request.v3AndBelowProducerEpoch, { partitions, groupId: null });
    return answer(topics, () => fencedFor(errorCode, apiVersion, 2));
  },
});
