// A topic's partitions and their leaders, from Metadata.

import { isRetriable } from "../protocol/errors.ts";
import type { KafkaClient } from "./client.ts";
import { ClientError, check } from "./errors.ts";

export interface PartitionLeader {
  partition: number;
  /** The leader's node id. */
  leader: number;
}

export interface PartitionInfo extends PartitionLeader {
  replicas: number[];
  isr: number[];
}

export interface TopicPartitions {
  name: string;
  topicId: string;
  partitions: PartitionInfo[];
}

const RETRIES = 10;
const RETRY_BACKOFF_MS = 100;

/** Retries briefly while the broker reports a retriable error (e.g. LEADER_NOT_AVAILABLE after auto-create). */
export async function topicPartitions(client: KafkaClient, topic: string, allowAutoTopicCreation = false): Promise<TopicPartitions> {
  for (let attempt = 0; ; attempt++) {
    const response = await client.metadata([topic], allowAutoTopicCreation);
    const t = response.topics.find((x) => x.name === topic);
    if (t === undefined) throw new ClientError("protocol", `Metadata has no answer for topic ${topic}`);
    const failed = t.errorCode !== 0 ? t.errorCode : (t.partitions.find((p) => p.errorCode !== 0 && p.leaderId < 0)?.errorCode ?? 0);
    if (failed !== 0 && isRetriable(failed) && attempt < RETRIES) {
      await Bun.sleep(RETRY_BACKOFF_MS);
      continue;
    }
    check(failed, `topic ${topic}`);
    const partitions = t.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes })).sort((a, b) => a.partition - b.partition);
    return { name: topic, topicId: t.topicId, partitions };
  }
}

/** Items grouped by their leader, so that each broker gets one request. */
export function byLeader<T extends { leader: number }>(items: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(item.leader);
    if (group === undefined) groups.set(item.leader, [item]);
    else group.push(item);
  }
  return groups;
}
