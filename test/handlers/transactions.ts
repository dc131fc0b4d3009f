// Calls of the transaction APIs for handler tests, at the newest version unless told.

import type { Broker } from "../../src/broker.ts";
import { AddOffsetsToTxnApi, AddPartitionsToTxnApi, EndTxnApi, FetchApi, InitProducerIdApi, ProduceApi, TxnOffsetCommitApi } from "../../src/protocol/generated/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { call } from "./broker.ts";

export interface Producer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

export async function initProducer(broker: Broker, transactionalId: string, transactionTimeoutMs = 60_000, version = 5): Promise<Producer & { errorCode: number }> {
  const r = await call(broker, InitProducerIdApi, version, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 });
  return { transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch, errorCode: r.errorCode };
}

export async function addPartitions(broker: Broker, p: Producer, topic: string, partitions: number[], version = 3): Promise<number[]> {
  const r = await call(broker, AddPartitionsToTxnApi, version, {
    transactions: [],
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{ name: topic, partitions }],
  });
  return r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((x) => x.partitionErrorCode));
}

export async function addOffsets(broker: Broker, p: Producer, groupId: string, version = 4): Promise<number> {
  return (await call(broker, AddOffsetsToTxnApi, version, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, groupId })).errorCode;
}

export async function txnOffsetCommit(broker: Broker, p: Producer, groupId: string, topic: string, partition: number, offset: number): Promise<number> {
  const r = await call(broker, TxnOffsetCommitApi, 3, {
    transactionalId: p.transactionalId,
    groupId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    generationId: -1,
    memberId: "",
    groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  return r.topics[0]?.partitions[0]?.errorCode ?? -1;
}

export async function endTxn(broker: Broker, p: Producer, committed: boolean, version = 4): Promise<number> {
  return (await call(broker, EndTxnApi, version, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed })).errorCode;
}

/** Produces one transactional batch of `values`; answers the partition's error code and base offset. */
export async function produceTxn(broker: Broker, p: Producer, topic: string, partition: number, baseSequence: number, values: string[]): Promise<{ errorCode: number; baseOffset: number }> {
  const records = encodeBatch(
    values.map((v) => ({ value: new TextEncoder().encode(v) })),
    { transactional: true, producerId: Number(p.producerId), producerEpoch: p.producerEpoch, baseSequence },
  );
  const r = await call(broker, ProduceApi, 9, { transactionalId: p.transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const answer = r.responses[0]?.partitionResponses[0];
  return { errorCode: answer?.errorCode ?? -1, baseOffset: Number(answer?.baseOffset ?? -1n) };
}

export async function fetchPartition(broker: Broker, topic: string, partition: number, isolationLevel: number) {
  const r = await call(broker, FetchApi, 12, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: "00000000-0000-0000-0000-000000000000", partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: "00000000-0000-0000-0000-000000000000" }] }],
    forgottenTopicsData: [],
    rackId: "",
  });
  const p = r.responses[0]?.partitions[0];
  if (p === undefined) throw new Error("no partition in fetch response");
  return p;
}
