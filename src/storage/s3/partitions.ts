// Records: every partition's index (cached, revalidated with If-None-Match), the writers that
// commit appends and transaction markers to them, reads through the reader (records, aborted
// transactions, producer state), and long polls woken by local commits at once and by other
// brokers' commits when a periodic re-read of the index shows them.

import type {
  AbortedTransaction,
  AppendBatch,
  AppendResult,
  PartitionOffsets,
  ProducerSnapshot,
  ReadResult,
  StoredBatch,
  TimestampQuery,
  TopicPartition,
  TxnMarker,
  TxnMarkerResult,
} from "../engine.ts";
import { lastStableOffset } from "../producer-state.ts";
import { producerSnapshot } from "../transaction-state.ts";
import { ErrorCodes, type FailureCode } from "../../protocol/errors.ts";
import { abortedOverlapping } from "./aborted.ts";
import type { IndexEdit } from "./commit-chain.ts";
import { newDataName, newSegmentName, type Keys } from "./keys.ts";
import type { ImmutableObjects } from "./objects.ts";
import { DELETED_INDEX, EMPTY_INDEX, decodeIndex, encodeIndex, type PartitionIndex } from "./partition-index.ts";
import { PartitionReader } from "./partition-reader.ts";
import { PartitionWriter, type EditOutcome } from "./partition-writer.ts";
import type { S3Tuning } from "./settings.ts";
import type { ObjectStore } from "./store.ts";
import type { Topics } from "./topics.ts";
import { VersionedCache } from "./versioned.ts";
import { Watch } from "./watch.ts";

const unknownPartition = () => ({ errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }) as const;

interface Located {
  /** The index object's key. */
  key: string;
  /** The partition's key prefix. */
  prefix: string;
}

/** What reclaiming storage in one partition works with (retention.ts, compaction.ts). */
export interface PartitionParts {
  /** The partition's key prefix; names in the index are relative to it. */
  prefix: string;
  store: ObjectStore;
  objects: ImmutableObjects;
  tuning: S3Tuning;
  writer: PartitionWriter;
  /** The index as stored now; null once the topic is deleted. */
  load(): Promise<PartitionIndex | null>;
}

export class Partitions {
  readonly indexes: VersionedCache<PartitionIndex>;
  private readonly appends: Watch;
  private readonly writers = new Map<string, PartitionWriter>();
  /** Per partition, the latest append's hand-over to its writer. */
  private readonly handOvers = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
    private readonly topics: Topics,
    private readonly objects: ImmutableObjects,
    private readonly tuning: S3Tuning,
    private readonly speculation: { enabled: boolean },
  ) {
    this.indexes = new VersionedCache(store, decodeIndex, EMPTY_INDEX, (key, before, after) => {
      // A first sight of an index is a baseline, not news.
      if (before !== undefined && before.value.highWatermark < after.value.highWatermark) this.appends.notify(key);
    });
    this.appends = new Watch(tuning.pollMs, (key) => this.indexes.load(key));
  }

  /**
   * Hands `batch` to its partition's writer after every append to that partition called before it
   * (whatever their topic lookups cost), so appends reach the writer's queue, and so the commit
   * chain, in call order.
   */
  append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult> {
    return this.handOver(topic, partition, (writer) => writer.append(batch));
  }

  /** Goes the way of appends, so a marker is ordered with the batches around it. */
  writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult> {
    const now = Date.now();
    return this.handOver(topic, partition, (writer) => writer.writeTxnMarker(marker, now));
  }

  private async handOver<R extends { errorCode: number }>(topic: string, partition: number, give: (writer: PartitionWriter) => Promise<R>): Promise<R | ReturnType<typeof unknownPartition>> {
    const key = `${partition}:${topic}`;
    const previous = this.handOvers.get(key);
    let handedOver!: () => void;
    const mine = new Promise<void>((resolve) => (handedOver = resolve));
    this.handOvers.set(key, mine);
    let given: Promise<R> | null = null;
    try {
      // lookups overlap; hand-overs keep call order
      const located = this.locate(topic, partition);
      located.catch(() => undefined);
      if (previous !== undefined) await previous;
      const at = await located;
      if (at !== null) given = give(this.writer(at));
    } finally {
      handedOver();
      if (this.handOvers.get(key) === mine) this.handOvers.delete(key);
    }
    if (given === null) return unknownPartition();
    const result = await given;
    // The topic was deleted (and maybe created again) through another broker.
    if (result.errorCode === ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) this.topics.stale(topic);
    return result;
  }

  async read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    const at = await this.locate(topic, partition);
    const index = at === null ? null : await this.index(at);
    if (at === null || index === null) return unknownPartition();
    const offsets = offsetsOf(index);
    if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.highWatermark) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE, ...offsets };
    const batches = fetchOffset === offsets.highWatermark ? [] : await new PartitionReader(this.objects, at.prefix).read(index, fetchOffset, maxBytes);
    return { errorCode: 0, batches, ...offsets };
  }

  async offsets(topic: string, partition: number): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    const at = await this.locate(topic, partition);
    const index = at === null ? null : await this.index(at);
    return index === null ? unknownPartition() : { errorCode: 0, ...offsetsOf(index) };
  }

  async batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null> {
    const at = await this.locate(topic, partition);
    const index = at === null ? null : await this.index(at);
    return at === null || index === null ? null : new PartitionReader(this.objects, at.prefix).byTimestamp(index, query);
  }

  async abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
    const at = await this.locate(topic, partition);
    const index = at === null ? null : await this.settledIndex(at, toOffset);
    return at === null || index === null ? [] : abortedOverlapping(index, fromOffset, toOffset, this.objects, at.prefix);
  }

  async describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }> {
    const at = await this.locate(topic, partition);
    const index = at === null ? null : await this.index(at);
    if (index === null) return unknownPartition();
    return { errorCode: 0, producers: [...index.producers].map(([producerId, state]) => producerSnapshot(producerId, state)) };
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
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

  /** The partition's parts, or null for an unknown topic or partition. */
  async parts(topic: string, partition: number): Promise<PartitionParts | null> {
    const at = await this.locate(topic, partition);
    if (at === null) return null;
    return { prefix: at.prefix, store: this.store, objects: this.objects, tuning: this.tuning, writer: this.writer(at), load: () => this.index(at) };
  }

  /** Commits `edit` to the index of a topic id's partition (for maintenance). */
  edit(topicId: string, partition: number, edit: IndexEdit): Promise<EditOutcome> {
    return this.writer({ key: this.keys.index(topicId, partition), prefix: this.keys.partitionPrefix(topicId, partition) }).edit(edit);
  }

  /**
   * Replaces each index of a deleted topic by a tombstone. Brokers whose metadata is not yet fresh
   * may still commit to the topic id; the tombstone fails their commits, where a deleted index
   * would be created again by the next first commit. Maintenance removes tombstones once old.
   */
  async tombstone(topicId: string, partitionCount: number): Promise<void> {
    const body = encodeIndex(DELETED_INDEX);
    await Promise.all(
      Array.from({ length: partitionCount }, async (_, p) => {
        const key = this.keys.index(topicId, p);
        const written = await this.store.put(key, body, null);
        if (written.kind === "written") this.indexes.remember(key, written.etag, DELETED_INDEX);
        this.writers.delete(key);
      }),
    );
  }

  get waiters(): number {
    return this.appends.waiters;
  }

  /** Lets queued commits finish (within timeoutMs) and wakes every waiter. */
  async close(timeoutMs: number): Promise<void> {
    const drained = Promise.all([...this.writers.values()].map((w) => w.idle()));
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    this.appends.close();
  }

  /** The partition's keys, or null for an unknown topic or partition. */
  private async locate(topic: string, partition: number): Promise<Located | null> {
    if (!Number.isInteger(partition) || partition < 0) return null;
    let info = await this.topics.get(topic);
    // Partitions added through another broker show up before the cached metadata expires.
    if (info !== null && partition >= info.partitionCount) info = await this.topics.get(topic, true);
    if (info === null || partition >= info.partitionCount) return null;
    return { key: this.keys.index(info.topicId, partition), prefix: this.keys.partitionPrefix(info.topicId, partition) };
  }

  /** The partition's index as stored now; null for a deleted topic's tombstone. */
  private async index(at: Located): Promise<PartitionIndex | null> {
    const index = (await this.indexes.load(at.key)).value;
    return index.deleted ? null : index;
  }

  /**
   * An index that holds every abort overlapping offsets up to `toOffset`: the cached one if that
   * range is below its lastStableOffset (a later abort belongs to a transaction opened above it),
   * so a READ_COMMITTED fetch, which just read the index, costs no second request.
   */
  private async settledIndex(at: Located, toOffset: number): Promise<PartitionIndex | null> {
    const known = this.indexes.peek(at.key)?.value;
    if (known !== undefined && !known.deleted && offsetsOf(known).lastStableOffset > toOffset) return known;
    return this.index(at);
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
}

/** Each index object's lastStableOffset, so reads of an unchanged index do not walk its producers again. */
const stableOffsets = new WeakMap<PartitionIndex, number>();

function offsetsOf(index: PartitionIndex): PartitionOffsets {
  const { logStartOffset, highWatermark } = index;
  let lso = stableOffsets.get(index);
  if (lso === undefined) stableOffsets.set(index, (lso = lastStableOffset(index.producers.values(), highWatermark)));
  return { logStartOffset, highWatermark, lastStableOffset: lso };
}
