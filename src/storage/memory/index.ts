// The memory engine (`memory://`): all state in this process, lost on exit. Every method runs its
// critical section synchronously, so concurrent callers never interleave within one operation.

import type {
  AppendBatch,
  AppendResult,
  CreateTopicResult,
  Engine,
  PartitionOffsets,
  ProducerIdRequest,
  ProducerIdResult,
  ReadResult,
  StoredBatch,
  TimestampQuery,
  TopicInfo,
  TopicPartition,
  TopicSpec,
} from "../engine.ts";
import { StorageError } from "../engine.ts";
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import { AppendNotifier, partitionKey } from "./notifier.ts";
import { ProducerRegistry } from "./producers.ts";
import { TopicRegistry } from "./topics.ts";

const unknownPartition = () => ({ errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }) as const;

class MemoryEngine implements Engine {
  readonly description = "memory://";
  private readonly topics = new TopicRegistry();
  private readonly producers = new ProducerRegistry();
  private readonly notifier = new AppendNotifier();
  private closed = false;

  async createTopic(spec: TopicSpec): Promise<CreateTopicResult> {
    return this.topics.create(spec);
  }

  async deleteTopic(name: string): Promise<boolean> {
    return this.topics.delete(name);
  }

  async getTopic(name: string): Promise<TopicInfo | null> {
    return this.topics.get(name);
  }

  async getTopicById(topicId: string): Promise<TopicInfo | null> {
    return this.topics.getById(topicId);
  }

  async listTopics(): Promise<TopicInfo[]> {
    return this.topics.list();
  }

  async createPartitions(name: string, partitionCount: number): Promise<ErrorCode> {
    return this.topics.createPartitions(name, partitionCount);
  }

  async alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
    return this.topics.alterConfigs(name, changes);
  }

  async append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult> {
    const log = this.topics.partition(topic, partition);
    if (log === undefined) return unknownPartition();
    const result = log.append(batch, Date.now());
    if (result.errorCode === 0) this.notifier.notify(partitionKey(topic, partition));
    return result;
  }

  async read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.topics.partition(topic, partition)?.read(fetchOffset, maxBytes) ?? unknownPartition();
  }

  async offsets(
    topic: string,
    partition: number,
  ): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    const log = this.topics.partition(topic, partition);
    return log === undefined ? unknownPartition() : { errorCode: 0, ...log.offsets() };
  }

  async batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null> {
    return this.topics.partition(topic, partition)?.byTimestamp(query) ?? null;
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return;
    const keys = partitions.map(({ topic, partition }) => partitionKey(topic, partition));
    await this.notifier.wait(keys, timeoutMs, signal);
  }

  async initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult> {
    return this.producers.init(request);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StorageError("unavailable", "memory engine is closed");
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notifier.notifyAll();
  }

  /** Pending waitForAppend registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.notifier.size;
  }
}

export type { MemoryEngine };

export function openMemoryEngine(): MemoryEngine {
  return new MemoryEngine();
}
