// The S3 engine (`s3://bucket[/prefix]`): brokers keep nothing but caches; every change is a
// conditional PUT. See docs/s3-layout.md for the object layout and the commit protocol.

import type {
  AppendBatch,
  AppendResult,
  CommittedOffset,
  CreateTopicResult,
  Engine,
  GroupWriteResult,
  PartitionOffsets,
  ProducerIdRequest,
  ProducerIdResult,
  ReadResult,
  StoredBatch,
  StoredGroup,
  TimestampQuery,
  TopicInfo,
  TopicPartition,
  TopicSpec,
} from "../engine.ts";
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import type { Logger } from "../../log.ts";
import { Connection } from "./connection.ts";
import { Groups } from "./groups.ts";
import { Keys, newDataName, newSegmentName } from "./keys.ts";
import { Maintenance } from "./maintenance.ts";
import { ImmutableObjects } from "./objects.ts";
import { EMPTY_INDEX, decodeIndex, type PartitionIndex } from "./partition-index.ts";
import { PartitionReader } from "./partition-reader.ts";
import { PartitionWriter } from "./partition-writer.ts";
import { Producers } from "./producers.ts";
import { describeS3, type S3Settings } from "./settings.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { Topics } from "./topics.ts";
import { VersionedCache } from "./versioned.ts";
import { Watch } from "./watch.ts";

const unknownPartition = () => ({ errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }) as const;

interface Located {
  topicId: string;
  key: string;
  prefix: string;
}

export class S3Engine implements Engine {
  readonly description: string;
  readonly keys: Keys;
  readonly maintenance: Maintenance;
  private readonly tuning: S3Settings["tuning"];
  private readonly connection: Connection;
  private readonly topics: Topics;
  private readonly producers: Producers;
  private readonly groups: Groups;
  private readonly indexes: VersionedCache<PartitionIndex>;
  private readonly appends: Watch;
  private readonly objects: ImmutableObjects;
  private readonly writers = new Map<string, PartitionWriter>();
  private readonly background = new Set<Promise<void>>();
  private readonly speculation = { enabled: false };
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
    this.producers = new Producers(store, this.keys, this.tuning.producerIdBlock);
    this.groups = new Groups(store, this.keys, this.tuning.pollMs);
    this.objects = new ImmutableObjects(store, this.tuning.cacheBytes);
    this.indexes = new VersionedCache(store, decodeIndex, EMPTY_INDEX, (key, before, after) => {
      // A first sight of an index is a baseline, not news.
      if (before !== undefined && before.value.highWatermark < after.value.highWatermark) this.appends.notify(key);
    });
    this.appends = new Watch(this.tuning.pollMs, (key) => this.indexes.load(key));
    this.maintenance = new Maintenance(
      { store, keys: this.keys, topics: this.topics, indexes: this.indexes, objects: this.objects, orphanMinAgeMs: this.tuning.orphanMinAgeMs },
      (e) => log.warn("s3 maintenance failed", { error: e instanceof Error ? e.message : String(e) }),
    );
    this.connection.onConnected((traits) => {
      this.speculation.enabled = this.tuning.speculativeCommits && traits.md5Etags;
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
    const topicId = await this.topics.delete(name);
    if (topicId === null) return false;
    await this.groups.removeTopic(name);
    for (const key of [...this.writers.keys()]) if (key.startsWith(this.keys.topicIdPrefix(topicId))) this.writers.delete(key);
    this.track(this.removeAll(this.keys.topicIdPrefix(topicId)));
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
    const at = await this.locate(topic, partition);
    if (at === null) return unknownPartition();
    return this.writer(at).append(batch);
  }

  async read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    const at = await this.locate(topic, partition);
    if (at === null) return unknownPartition();
    const index = (await this.indexes.load(at.key)).value;
    const offsets = offsetsOf(index);
    if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
    const batches = fetchOffset === offsets.highWatermark ? [] : await new PartitionReader(this.objects, at.prefix).read(index, fetchOffset, maxBytes);
    return { errorCode: 0, batches, ...offsets };
  }

  async offsets(topic: string, partition: number): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    const at = await this.locate(topic, partition);
    if (at === null) return unknownPartition();
    return { errorCode: 0, ...offsetsOf((await this.indexes.load(at.key)).value) };
  }

  async batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null> {
    const at = await this.locate(topic, partition);
    if (at === null) return null;
    const index = (await this.indexes.load(at.key)).value;
    return new PartitionReader(this.objects, at.prefix).byTimestamp(index, query);
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return;
    // Callers listen before they read, so the wait is registered before the first await; only
    // partitions of topics this broker has not seen yet are looked up first.
    const keys: string[] = [];
    const unseen: TopicPartition[] = [];
    for (const p of partitions) {
      const info = this.topics.peek(p.topic);
      if (info === undefined) unseen.push(p);
      else if (info !== null && p.partition >= 0 && p.partition < info.partitionCount) keys.push(this.keys.index(info.topicId, p.partition));
    }
    const started = performance.now();
    for (const p of unseen) {
      const at = await this.locate(p.topic, p.partition).catch(() => null);
      if (at !== null) keys.push(at.key);
    }
    const waiting = this.appends.wait(keys, timeoutMs - (performance.now() - started), signal);
    // A partition never read here has no known high watermark to compare with: learn it now.
    await Promise.all(keys.filter((k) => this.indexes.peek(k) === undefined).map((k) => this.indexes.load(k).catch(() => {})));
    await waiting;
  }

  async initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult> {
    await this.ready();
    return this.producers.init(request);
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

  async ping(): Promise<void> {
    await this.connection.wait(0);
    await this.store.list(this.keys.topicsPrefix(), { maxKeys: 1 });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
    await this.maintenance.stop();
    const drained = Promise.all([...this.writers.values()].map((w) => w.idle()));
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, this.tuning.commitTimeoutMs))]);
    this.appends.close();
    this.groups.close();
    await Promise.all(this.background);
    this.store.close();
  }

  /** Pending waitForAppend and waitForGroupChange registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.appends.waiters + this.groups.waiters;
  }

  private async ready(): Promise<void> {
    if (!this.connection.ready) await this.connection.wait(this.tuning.requestTimeoutMs);
  }

  /** The partition's keys, or null for an unknown topic or partition. */
  private async locate(topic: string, partition: number): Promise<Located | null> {
    await this.ready();
    if (!Number.isInteger(partition) || partition < 0) return null;
    let info = await this.topics.get(topic);
    // Partitions added through another broker show up before the cached metadata expires.
    if (info !== null && partition >= info.partitionCount) info = await this.topics.get(topic, true);
    if (info === null || partition >= info.partitionCount) return null;
    return { topicId: info.topicId, key: this.keys.index(info.topicId, partition), prefix: this.keys.partitionPrefix(info.topicId, partition) };
  }

  private writer(at: Located): PartitionWriter {
    let writer = this.writers.get(at.key);
    if (writer === undefined) {
      const context = { store: this.store, key: at.key, prefix: at.prefix, cache: this.indexes, objects: this.objects, tuning: this.tuning, speculation: this.speculation };
      writer = new PartitionWriter(context, { data: () => newDataName(), segment: () => newSegmentName() });
      this.writers.set(at.key, writer);
    }
    return writer;
  }

  private async removeAll(prefix: string): Promise<void> {
    try {
      for await (const o of listAll(this.store, prefix)) {
        await this.store.delete(o.key);
        this.indexes.forget(o.key);
      }
    } catch (e) {
      this.log.warn("s3 cleanup of a deleted topic stopped; maintenance will finish it", { prefix, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private track(task: Promise<void>): void {
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }
}

function offsetsOf(index: PartitionIndex): PartitionOffsets {
  return { logStartOffset: index.logStartOffset, highWatermark: index.highWatermark, lastStableOffset: index.highWatermark };
}
