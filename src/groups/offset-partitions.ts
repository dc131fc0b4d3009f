// What OffsetCommit and TxnOffsetCommit share: each partition is checked (it must exist; metadata
// longer than Kafka's offset.metadata.max.bytes, 4096, is OFFSET_METADATA_TOO_LARGE) and answered.

import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import type { CommittedOffset } from "../storage/engine.ts";

const MAX_METADATA_LENGTH = 4096;

interface OffsetPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

interface OffsetTopic<P extends OffsetPartition> {
  name: string;
  partitions: P[];
}

/** Errors by partition, keyed by offsetKey. */
export type PartitionErrors = Map<string, number>;

export const offsetKey = (topic: string, partition: number) => `${partition}:${topic}`;

/** The partitions that may be committed (null metadata is stored as ""), and the errors of the rest. */
export async function checkOffsetPartitions<P extends OffsetPartition>(
  broker: Broker,
  topics: readonly OffsetTopic<P>[],
  commitTimestamp: (p: P) => number,
): Promise<{ errors: PartitionErrors; accepted: CommittedOffset[] }> {
  const errors: PartitionErrors = new Map();
  const accepted: CommittedOffset[] = [];
  for (const t of topics) {
    const topic = await broker.engine.getTopic(t.name);
    for (const p of t.partitions) {
      const metadata = p.committedMetadata ?? "";
      if (topic === null || p.partitionIndex < 0 || p.partitionIndex >= topic.partitionCount) errors.set(offsetKey(t.name, p.partitionIndex), ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
      else if (metadata.length > MAX_METADATA_LENGTH) errors.set(offsetKey(t.name, p.partitionIndex), ErrorCodes.OFFSET_METADATA_TOO_LARGE);
      else accepted.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: commitTimestamp(p) });
    }
  }
  return { errors, accepted };
}

export function answerPartitions<P extends OffsetPartition>(topics: readonly OffsetTopic<P>[], errors: PartitionErrors) {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(offsetKey(t.name, p.partitionIndex)) ?? ErrorCodes.NONE })),
  }));
}
