// The S3 engine (`s3://bucket[/prefix]`): brokers keep nothing but caches; every change is a
// conditional PUT. See docs/s3-layout.md for the object layout and the commit protocol.

import type {
  AbortedTransaction,
  AclBinding,
  AppendBatch,
  AppendResult,
  ClientQuota,
  ClientQuotaAlteration,
  CommittedOffset,
  CompactionPolicy,
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
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import type { Logger } from "../../log.ts";
import { compact, type CompactResult } from "./compaction.ts";
import { Connection } from "./connection.ts";
import { Groups } from "./groups.ts";
import { Keys } from "./keys.ts";
import { Maintenance } from "./maintenance.ts";
import { ImmutableObjects } from "./objects.ts";
import { Partitions, type PartitionParts } from "./partitions.ts";
import { Producers } from "./producers.ts";
import { Quotas } from "./quotas.ts";
import { retained } from "./retained.ts";
import { applyRetention, deleteRecords } from "./retention.ts";
import { Security } from "./security.ts";
import { describeS3, type S3Settings } from "./settings.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { Topics } from "./topics.ts";
import { Transactions } from "./transactions.ts";

export class S3Engine implements Engine {
  readonly description: string;
  /** Appends to a partition join its writer's queue, and so its commits, in call order (Partitions.append). */
  readonly appendsInCallOrder = true;
  readonly maintenance: Maintenance;
  private readonly tuning: S3Settings["tuning"];
  private readonly keys: Keys;
  private readonly connection: Connection;
  private readonly topics: Topics;
  private readonly partitions: Partitions;
  private readonly producers: Producers;
  private readonly groups: Groups;
  private readonly quotas: Quotas;
  private readonly security: Security;
  private readonly transactions: Transactions;
  private readonly background = new Set<Promise<void>>();
  private closed = false;

  constructor(
    settings: S3Settings,
    private readonly store: ObjectStore,
    private readonly log: Logger,
  ) {
    this.description = describeS3(settings);
    this.tuning = settings.tuning;
    this.keys = new Keys(settings.prefix);
    this.connection = new Connection(store, this.keys, this.tuning.etagStyle, log, this.description);
    this.topics = new Topics(store, this.keys, this.tuning.metadataMaxAgeMs);
    const objects = new ImmutableObjects(store, this.tuning.cacheBytes);
    const speculation = { enabled: false };
    this.partitions = new Partitions(store, this.keys, this.topics, objects, this.tuning, speculation);
    this.producers = new Producers(store, this.keys, this.tuning.producerIdBlock);
    this.groups = new Groups(store, this.keys, this.tuning.pollMs);
    this.quotas = new Quotas(store, this.keys);
    this.security = new Security(store, this.keys);
    this.transactions = new Transactions(store, this.keys);
    this.maintenance = new Maintenance(
      {
        store,
        keys: this.keys,
        topics: this.topics,
        indexes: this.partitions.indexes,
        objects,
        orphanMinAgeMs: this.tuning.orphanMinAgeMs,
        edit: (topicId, partition, edit) => this.partitions.edit(topicId, partition, edit),
      },
      (e) => log.warn("s3 maintenance failed", { error: e instanceof Error ? e.message : String(e) }),
    );
    this.connection.onConnected((traits) => {
      speculation.enabled = this.tuning.speculativeCommits && traits.md5Etags;
      if (this.tuning.maintenanceIntervalMs > 0 && !this.closed) this.maintenance.start(this.tuning.maintenanceIntervalMs);
    });
  }

  /** Waits for the first probe of the store (bounded), so a healthy store is ready on return. */
  async started(): Promise<void> {
    await this.connection.firstAttempt(this.tuning.requestTimeoutMs);
  }

  async createTopic(spec: TopicSpec): Promise<CreateTopicResult> {
    await this.ready();
    return this.topics.create(spec);
  }

  async deleteTopic(name: string): Promise<boolean> {
    await this.ready();
    const deleted = await this.topics.delete(name);
    if (deleted === null) return false;
    await this.partitions.tombstone(deleted.topicId, deleted.partitionCount);
    await this.groups.removeTopic(name);
    this.track(this.removeRecords(deleted.topicId));
    return true;
  }

  async getTopic(name: string): Promise<TopicInfo | null> {
    await this.ready();
    return this.topics.get(name);
  }

  async getTopicById(topicId: string): Promise<TopicInfo | null> {
    await this.ready();
    return (await this.topics.list()).find((t) => t.topicId === topicId) ?? null;
  }

  async listTopics(): Promise<TopicInfo[]> {
    await this.ready();
    return this.topics.list();
  }

  async createPartitions(name: string, partitionCount: number): Promise<ErrorCode> {
    await this.ready();
    return this.topics.createPartitions(name, partitionCount);
  }

  async alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
    await this.ready();
    return this.topics.alterConfigs(name, changes);
  }

  async append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult> {
    await this.ready();
    return this.partitions.append(topic, partition, batch);
  }

  async read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    await this.ready();
    return this.partitions.read(topic, partition, fetchOffset, maxBytes);
  }

  async abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
    await this.ready();
    return this.partitions.abortedTransactions(topic, partition, fromOffset, toOffset);
  }

  async offsets(topic: string, partition: number): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    await this.ready();
    return this.partitions.offsets(topic, partition);
  }

  async batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null> {
    await this.ready();
    return this.partitions.batchByTimestamp(topic, partition, query);
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return;
    if (!this.connection.ready) {
      await this.connection.wait(Math.min(timeoutMs, this.tuning.requestTimeoutMs)).catch(() => {});
      return;
    }
    await this.partitions.waitForAppend(partitions, timeoutMs, signal);
  }

  async deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult> {
    return this.inPartition(topic, partition, (p) => deleteRecords(p, offset));
  }

  async applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
    return this.inPartition(topic, partition, (p) => applyRetention(p, policy));
  }

  async compact(topic: string, partition: number, policy: CompactionPolicy): Promise<CompactResult> {
    return this.inPartition(topic, partition, (p) => compact(p, policy));
  }

  async retained(topic: string, partition: number): Promise<RetainedResult> {
    return this.inPartition(topic, partition, retained);
  }

  async initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult> {
    await this.ready();
    return this.producers.init(request);
  }

  async allocateProducerId(): Promise<number> {
    await this.ready();
    return this.producers.allocate();
  }

  async describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }> {
    await this.ready();
    return this.partitions.describeProducers(topic, partition);
  }

  /** Transaction state lives in the partition index, so deleteTopic's tombstones take it along. */
  async writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult> {
    await this.ready();
    return this.partitions.writeTxnMarker(topic, partition, marker);
  }

  async getTransaction(transactionalId: string): Promise<StoredTransaction | null> {
    await this.ready();
    return this.transactions.get(transactionalId);
  }

  async putTransaction(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
    await this.ready();
    return this.transactions.put(transactionalId, state, expectedVersion);
  }

  async deleteTransaction(transactionalId: string, expectedVersion: string): Promise<boolean> {
    await this.ready();
    return this.transactions.delete(transactionalId, expectedVersion);
  }

  async listTransactions(): Promise<StoredTransaction[]> {
    await this.ready();
    return this.transactions.list();
  }

  async getGroup(groupId: string): Promise<StoredGroup | null> {
    await this.ready();
    return this.groups.get(groupId);
  }

  async putGroup(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
    await this.ready();
    return this.groups.put(groupId, state, expectedVersion);
  }

  async deleteGroup(groupId: string, expectedVersion: string): Promise<boolean> {
    await this.ready();
    return this.groups.delete(groupId, expectedVersion);
  }

  async listGroups(): Promise<StoredGroup[]> {
    await this.ready();
    return this.groups.list();
  }

  async waitForGroupChange(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return;
    await this.ready();
    await this.groups.wait(groupId, sinceVersion, timeoutMs, signal);
  }

  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    await this.ready();
    await this.groups.commit(groupId, offsets);
  }

  async fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
    await this.ready();
    return this.groups.fetch(groupId, partitions);
  }

  async deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    await this.ready();
    await this.groups.deleteOffsets(groupId, partitions);
  }

  async clientQuotas(): Promise<ClientQuota[]> {
    await this.ready();
    return this.quotas.list();
  }

  async alterClientQuotas(alterations: readonly ClientQuotaAlteration[]): Promise<void> {
    await this.ready();
    await this.quotas.alter(alterations);
  }

  async scramCredentials(user?: string): Promise<StoredScramCredential[]> {
    await this.ready();
    return this.security.scramCredentials(user);
  }

  async alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void> {
    await this.ready();
    await this.security.alterScramCredentials(alterations);
  }

  async acls(): Promise<AclBinding[]> {
    await this.ready();
    return this.security.acls();
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    await this.ready();
    await this.security.createAcls(bindings);
  }

  async deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    await this.ready();
    await this.security.deleteAcls(bindings);
  }

  async ping(): Promise<void> {
    await this.connection.wait(0);
    await this.store.list(this.keys.topicsPrefix(), { maxKeys: 1 });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
    await this.maintenance.stop();
    await this.partitions.close(this.tuning.commitTimeoutMs);
    this.groups.close();
    await Promise.all(this.background);
    this.store.close();
  }

  /** Pending waitForAppend and waitForGroupChange registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.partitions.waiters + this.groups.waiters;
  }

  private async inPartition<R>(topic: string, partition: number, run: (p: PartitionParts) => Promise<R>): Promise<R | { errorCode: typeof ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }> {
    await this.ready();
    const parts = await this.partitions.parts(topic, partition);
    return parts === null ? { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } : run(parts);
  }

  private async ready(): Promise<void> {
    if (!this.connection.ready) await this.connection.wait(this.tuning.requestTimeoutMs);
  }

  /** Deletes a deleted topic's data and segments (its index tombstones stay for maintenance). */
  private async removeRecords(topicId: string): Promise<void> {
    try {
      for await (const o of listAll(this.store, this.keys.topicIdPrefix(topicId))) {
        if (!o.key.endsWith("/index.json")) await this.store.delete(o.key);
      }
    } catch (e) {
      this.log.warn("s3 cleanup of a deleted topic stopped; maintenance will finish it", { topicId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private track(task: Promise<void>): void {
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }
}
