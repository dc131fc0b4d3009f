// The memory engine (`memory://`): all state in this process, lost on exit. Every method runs its
// critical section synchronously, so concurrent callers never interleave within one operation.

import type {
  AbortedTransaction,
  AclBinding,
  AppendBatch,
  AppendResult,
  ClientQuota,
  ClientQuotaAlteration,
  CompactionPolicy,
  CommittedOffset,
  CreateTopicResult,
  Engine,
  GroupWriteResult,
  LogStartResult,
  PartitionOffsets,
  ProducerIdRequest,
  ProducerIdResult,
  ProducerSnapshot,
  ReadResult,
  RetainedResult,
  RetentionPolicy,
  ScramCredentialAlteration,
  StoredBatch,
  StoredGroup,
  StoredScramCredential,
  StoredTransaction,
  TimestampQuery,
  TopicInfo,
  TopicPartition,
  TopicSpec,
  TransactionWriteResult,
  TxnMarker,
  TxnMarkerResult,
} from "../engine.ts";
import { StorageError } from "../engine.ts";
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import { GroupRegistry } from "./groups.ts";
import { AppendNotifier, partitionKey } from "./notifier.ts";
import { OffsetStore } from "./offsets.ts";
import { ProducerRegistry } from "./producers.ts";
import { QuotaStore } from "./quotas.ts";
import { SecurityStore } from "./security.ts";
import { TopicRegistry } from "./topics.ts";
import { TransactionRegistry } from "./transactions.ts";

const unknownPartition = () => ({ errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }) as const;

class MemoryEngine implements Engine {
  readonly description = "memory://";
  private readonly topics = new TopicRegistry();
  private readonly producers = new ProducerRegistry();
  private readonly notifier = new AppendNotifier();
  private readonly groups = new GroupRegistry();
  private readonly committed = new OffsetStore();
  private readonly quotas = new QuotaStore();
  private readonly security = new SecurityStore();
  private readonly transactions = new TransactionRegistry();
  private closed = false;

  async createTopic(spec: TopicSpec): Promise<CreateTopicResult> {
    return this.topics.create(spec);
  }

  async deleteTopic(name: string): Promise<boolean> {
    if (!this.topics.delete(name)) return false;
    this.committed.deleteTopic(name);
    return true;
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

  /** An append takes effect before its call returns. */
  readonly appendsInCallOrder = true;

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

  async deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult> {
    return this.topics.partition(topic, partition)?.deleteRecords(offset) ?? unknownPartition();
  }

  async applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
    return this.topics.partition(topic, partition)?.applyRetention(policy) ?? unknownPartition();
  }

  async compact(topic: string, partition: number, policy: CompactionPolicy): Promise<{ errorCode: 0; removedRecords: number } | { errorCode: FailureCode }> {
    return this.topics.partition(topic, partition)?.compact(policy) ?? unknownPartition();
  }

  async retained(topic: string, partition: number): Promise<RetainedResult> {
    return this.topics.partition(topic, partition)?.retained() ?? unknownPartition();
  }

  async abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
    return this.topics.partition(topic, partition)?.abortedTransactions(fromOffset, toOffset) ?? [];
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

  async allocateProducerId(): Promise<number> {
    return this.producers.allocate();
  }

  async describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }> {
    const log = this.topics.partition(topic, partition);
    return log === undefined ? unknownPartition() : { errorCode: 0, producers: log.describeProducers() };
  }

  async writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult> {
    const log = this.topics.partition(topic, partition);
    if (log === undefined) return unknownPartition();
    const result = log.writeTxnMarker(marker, Date.now());
    if (result.errorCode === 0) this.notifier.notify(partitionKey(topic, partition));
    return result;
  }

  async getTransaction(transactionalId: string): Promise<StoredTransaction | null> {
    return this.transactions.get(transactionalId);
  }

  async putTransaction(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
    return this.transactions.put(transactionalId, state, expectedVersion);
  }

  async deleteTransaction(transactionalId: string, expectedVersion: string): Promise<boolean> {
    return this.transactions.delete(transactionalId, expectedVersion);
  }

  async listTransactions(): Promise<StoredTransaction[]> {
    return this.transactions.list();
  }

  async getGroup(groupId: string): Promise<StoredGroup | null> {
    return this.groups.get(groupId);
  }

  async putGroup(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
    return this.groups.put(groupId, state, expectedVersion);
  }

  async deleteGroup(groupId: string, expectedVersion: string): Promise<boolean> {
    if (!this.groups.delete(groupId, expectedVersion)) return false;
    this.committed.deleteGroup(groupId);
    return true;
  }

  async listGroups(): Promise<StoredGroup[]> {
    return this.groups.list();
  }

  async waitForGroupChange(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return;
    await this.groups.wait(groupId, sinceVersion, timeoutMs, signal);
  }

  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    this.committed.commit(groupId, offsets);
  }

  async fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
    return this.committed.fetch(groupId, partitions);
  }

  async deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    this.committed.delete(groupId, partitions);
  }

  async clientQuotas(): Promise<ClientQuota[]> {
    return this.quotas.list();
  }

  async alterClientQuotas(alterations: readonly ClientQuotaAlteration[]): Promise<void> {
    this.quotas.alter(alterations);
  }

  async scramCredentials(user?: string): Promise<StoredScramCredential[]> {
    return this.security.scramCredentials(user);
  }

  async alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void> {
    this.security.alterScramCredentials(alterations);
  }

  async acls(): Promise<AclBinding[]> {
    return this.security.acls();
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    this.security.createAcls(bindings);
  }

  async deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    this.security.deleteAcls(bindings);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StorageError("unavailable", "memory engine is closed");
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notifier.notifyAll();
    this.groups.wakeAll();
  }

  /** Pending waitForAppend and waitForGroupChange registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.notifier.size + this.groups.waiters;
  }
}

export type { MemoryEngine };

export function openMemoryEngine(): MemoryEngine {
  return new MemoryEngine();
}
