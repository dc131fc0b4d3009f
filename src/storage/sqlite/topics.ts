// Topic metadata. Each function runs inside a transaction the engine opens.

import type { CreateTopicResult, TopicInfo, TopicSpec } from "../engine.ts";
import { ErrorCodes, type ErrorCode } from "../../protocol/errors.ts";
import type { Statements, TopicRow } from "./statements.ts";

export function topicInfo(row: TopicRow): TopicInfo {
  const configs = JSON.parse(row.configs) as Record<string, string>;
  return {
    name: row.name,
    topicId: row.topic_id,
    partitionCount: row.partition_count,
    replicationFactor: row.replication_factor,
    configs,
  };
}

export function createTopic(s: Statements, spec: TopicSpec): CreateTopicResult {
  if (s.get<TopicRow>("topic-by-name", spec.name) !== null) return { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS };
  if (!Number.isInteger(spec.partitionCount) || spec.partitionCount < 1) return { errorCode: ErrorCodes.INVALID_PARTITIONS };
  const topic: TopicInfo = { ...spec, configs: { ...spec.configs }, topicId: crypto.randomUUID() };
  const inserted = s.get<{ id: number }>(
    "insert-topic",
    topic.name,
    topic.topicId,
    topic.partitionCount,
    topic.replicationFactor,
    JSON.stringify(topic.configs),
  );
  if (inserted === null) throw new Error("INSERT … RETURNING returned no row");
  for (let p = 0; p < topic.partitionCount; p++) s.run("insert-watermark", inserted.id, p);
  return { errorCode: 0, topic };
}

export function deleteTopic(s: Statements, name: string): boolean {
  const row = s.get<TopicRow>("topic-by-name", name);
  if (row === null) return false;
  for (const statement of ["delete-batches", "delete-producer-states", "delete-aborted-txns", "delete-watermarks", "delete-topic"] as const) {
    s.run(statement, row.id);
  }
  s.run("delete-topic-offsets", name);
  return true;
}

export function createPartitions(s: Statements, name: string, partitionCount: number): ErrorCode {
  const row = s.get<TopicRow>("topic-by-name", name);
  if (row === null) return ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
  if (!Number.isInteger(partitionCount) || partitionCount <= row.partition_count) return ErrorCodes.INVALID_PARTITIONS;
  for (let p = row.partition_count; p < partitionCount; p++) s.run("insert-watermark", row.id, p);
  s.run("set-partition-count", partitionCount, row.id);
  return ErrorCodes.NONE;
}

export function alterConfigs(s: Statements, name: string, changes: Record<string, string | null>): ErrorCode {
  const row = s.get<TopicRow>("topic-by-name", name);
  if (row === null) return ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
  const configs = topicInfo(row).configs;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete configs[key];
    else configs[key] = value;
  }
  s.run("set-configs", JSON.stringify(configs), row.id);
  return ErrorCodes.NONE;
}
