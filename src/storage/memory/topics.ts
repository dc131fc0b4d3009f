// Topic metadata and the partition logs that belong to each topic.

import type { CreateTopicResult, TopicInfo, TopicSpec } from "../engine.ts";
import { ErrorCodes, type ErrorCode } from "../../protocol/errors.ts";
import { PartitionLog } from "./partition-log.ts";

interface TopicEntry {
  info: TopicInfo;
  partitions: PartitionLog[];
}

export class TopicRegistry {
  private readonly byName = new Map<string, TopicEntry>();
  private readonly byId = new Map<string, TopicEntry>();

  create(spec: TopicSpec): CreateTopicResult {
    if (this.byName.has(spec.name)) return { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS };
    if (!Number.isInteger(spec.partitionCount) || spec.partitionCount < 1) {
      return { errorCode: ErrorCodes.INVALID_PARTITIONS };
    }
    const info: TopicInfo = { ...spec, configs: { ...spec.configs }, topicId: crypto.randomUUID() };
    const entry = { info, partitions: Array.from({ length: spec.partitionCount }, () => new PartitionLog()) };
    this.byName.set(info.name, entry);
    this.byId.set(info.topicId, entry);
    return { errorCode: 0, topic: cloneInfo(info) };
  }

  delete(name: string): boolean {
    const entry = this.byName.get(name);
    if (entry === undefined) return false;
    this.byName.delete(name);
    this.byId.delete(entry.info.topicId);
    return true;
  }

  get(name: string): TopicInfo | null {
    const entry = this.byName.get(name);
    return entry === undefined ? null : cloneInfo(entry.info);
  }

  getById(topicId: string): TopicInfo | null {
    const entry = this.byId.get(topicId);
    return entry === undefined ? null : cloneInfo(entry.info);
  }

  list(): TopicInfo[] {
    return [...this.byName.values()].map((entry) => cloneInfo(entry.info));
  }

  createPartitions(name: string, partitionCount: number): ErrorCode {
    const entry = this.byName.get(name);
    if (entry === undefined) return ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
    if (!Number.isInteger(partitionCount) || partitionCount <= entry.partitions.length) {
      return ErrorCodes.INVALID_PARTITIONS;
    }
    while (entry.partitions.length < partitionCount) entry.partitions.push(new PartitionLog());
    entry.info.partitionCount = partitionCount;
    return ErrorCodes.NONE;
  }

  alterConfigs(name: string, changes: Record<string, string | null>): ErrorCode {
    const entry = this.byName.get(name);
    if (entry === undefined) return ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete entry.info.configs[key];
      else entry.info.configs[key] = value;
    }
    return ErrorCodes.NONE;
  }

  /** The log of an existing partition, or undefined for an unknown topic or partition. */
  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.byName.get(topic)?.partitions[partition];
  }
}

function cloneInfo(info: TopicInfo): TopicInfo {
  return { ...info, configs: { ...info.configs } };
}
