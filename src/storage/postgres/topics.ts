// Topic metadata in tansu.topic, one tansu.watermark row per partition.

import type { CreateTopicResult, TopicInfo, TopicSpec } from "../engine.ts";
import { ErrorCodes, type ErrorCode } from "../../protocol/errors.ts";
import { query, type Db, type Queryable } from "./connect.ts";

export interface TopicRow {
  topic_id: string;
  name: string;
  partition_count: number;
  replication_factor: number;
  configs: string;
}

export function topicInfo(row: TopicRow): TopicInfo {
  return {
    name: row.name,
    topicId: row.topic_id,
    partitionCount: row.partition_count,
    replicationFactor: row.replication_factor,
    configs: JSON.parse(row.configs) as Record<string, string>,
  };
}

export async function getTopic(db: Queryable, by: "topic-by-name" | "topic-by-id", key: string): Promise<TopicInfo | null> {
  const [row] = await query<TopicRow>(db, by, [key]);
  return row === undefined ? null : topicInfo(row);
}

export async function listTopics(db: Db): Promise<TopicInfo[]> {
  return (await query<TopicRow>(db, "topics")).map(topicInfo);
}

export async function createTopic(db: Db, spec: TopicSpec): Promise<CreateTopicResult> {
  if (!Number.isInteger(spec.partitionCount) || spec.partitionCount < 1) {
    return (await getTopic(db, "topic-by-name", spec.name)) === null
      ? { errorCode: ErrorCodes.INVALID_PARTITIONS }
      : { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS };
  }
  const topic: TopicInfo = { ...spec, configs: { ...spec.configs }, topicId: crypto.randomUUID() };
  const params = [topic.topicId, topic.name, topic.partitionCount, topic.replicationFactor, JSON.stringify(topic.configs)];
  const inserted = await query<{ topic_id: string }>(db, "insert-topic", params);
  return inserted.length === 0 ? { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS } : { errorCode: 0, topic };
}

/** Waits for appends in flight to the topic's partitions, then deletes the topic with its rows. */
export async function deleteTopic(db: Db, name: string): Promise<boolean> {
  return db.begin(async (tx) => {
    const [topic] = await query<{ topic_id: string }>(tx, "lock-topic", [name]);
    if (topic === undefined) return false;
    await query(tx, "lock-watermarks", [topic.topic_id]);
    await query(tx, "delete-topic", [topic.topic_id, name]);
    return true;
  });
}

export async function createPartitions(db: Db, name: string, partitionCount: number): Promise<ErrorCode> {
  return db.begin(async (tx) => {
    const [topic] = await query<{ topic_id: string; partition_count: number }>(tx, "lock-topic", [name]);
    if (topic === undefined) return ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
    if (!Number.isInteger(partitionCount) || partitionCount <= topic.partition_count) return ErrorCodes.INVALID_PARTITIONS;
    await query(tx, "add-partitions", [topic.topic_id, topic.partition_count, partitionCount]);
    return ErrorCodes.NONE;
  });
}

export async function alterConfigs(db: Db, name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null));
  const removed = Object.keys(changes).filter((k) => changes[k] === null);
  const updated = await query(db, "alter-configs", [name, JSON.stringify(set), JSON.stringify(removed)]);
  return updated.length === 0 ? ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION : ErrorCodes.NONE;
}
