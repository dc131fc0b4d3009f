// The PostgreSQL engine (`postgres://…`, PostgreSQL 15+): records as rows in tansu.record, batch
// boundaries and headers in tansu.batch (see migrations/001-initial.sql). Brokers share nothing
// but the database: offsets are assigned under the partition's row lock, long polls wake on
// LISTEN/NOTIFY from whichever broker (or tansu.produce caller) appended.

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
import { StorageError } from "../engine.ts";
import { AppendNotifier, partitionKey } from "../memory/notifier.ts";
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import { append } from "./append.ts";
import { compact, type CompactResult } from "./compaction.ts";
import { asStorageError, connect, describeUrl, guarded, query, type Db } from "./connect.ts";
import * as groups from "./groups.ts";
import { migrate } from "./migrate.ts";
import * as markers from "./markers.ts";
import { producerSnapshots } from "./producer-states.ts";
import * as producers from "./producers.ts";
import * as quotas from "./quotas.ts";
import { batchByTimestamp, read } from "./read.ts";
import * as retention from "./retention.ts";
import * as security from "./security.ts";
import * as topics from "./topics.ts";
import * as transactions from "./transactions.ts";

export interface PostgresOptions {
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Bound on one COPY (see copy.ts); default 30 s. */
  copyTimeoutMs?: number;
}

const APPENDS = "tansu_append";
const GROUPS = "tansu_group";
const groupKey = (groupId: string) => `group\u0000${groupId}`;

class PostgresEngine implements Engine {
  private readonly notifier = new AppendNotifier();
  private readonly unlisten: (() => Promise<void>)[] = [];
  private closed = false;

  constructor(
    readonly description: string,
    private readonly db: Db,
    private readonly copyTimeoutMs: number,
  ) {}

  async listen(): Promise<void> {
    const appends = await this.db.listen(APPENDS, (payload) => {
      const colon = payload.indexOf(":");
      this.notifier.notify(partitionKey(payload.slice(colon + 1), Number(payload.slice(0, colon))));
    });
    const groupChanges = await this.db.listen(GROUPS, (groupId) => this.notifier.notify(groupKey(groupId)));
    this.unlisten.push(appends.unlisten, groupChanges.unlisten);
  }

  private run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError("unavailable", `${this.description} is closed`));
    return guarded(what, operation);
  }

  createTopic(spec: TopicSpec): Promise<CreateTopicResult> {
    return this.run("create topic", () => topics.createTopic(this.db, spec));
  }

  deleteTopic(name: string): Promise<boolean> {
    return this.run("delete topic", () => topics.deleteTopic(this.db, name));
  }

  getTopic(name: string): Promise<TopicInfo | null> {
    return this.run("get topic", () => topics.getTopic(this.db, "topic-by-name", name));
  }

  getTopicById(topicId: string): Promise<TopicInfo | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(topicId)) return Promise.resolve(null);
    return this.run("get topic", () => topics.getTopic(this.db, "topic-by-id", topicId));
  }

  listTopics(): Promise<TopicInfo[]> {
    return this.run("list topics", () => topics.listTopics(this.db));
  }

  createPartitions(name: string, partitionCount: number): Promise<ErrorCode> {
    return this.run("create partitions", () => topics.createPartitions(this.db, name, partitionCount));
  }

  alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
    return this.run("alter configs", () => topics.alterConfigs(this.db, name, changes));
  }

  readonly appendsInCallOrder = true;
  /** Per partition, the latest append's promise to have taken its offsets (or to have ended). */
  private readonly offsetsTaken = new Map<string, Promise<void>>();

  // Appends to a partition through this engine go in call order: each sends its statements once
  // the one before has taken its offsets, and then waits in PostgreSQL on the watermark row's lock
  // with its rows ready, so it starts the moment the one before commits.
  async append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult> {
    const key = partitionKey(topic, partition);
    const previous = this.offsetsTaken.get(key);
    const { promise: taken, resolve: offsetsTaken } = Promise.withResolvers<void>();
    this.offsetsTaken.set(key, taken);
    try {
      await previous;
      const result = await this.run("append", () => append(this.db, topic, partition, batch, this.copyTimeoutMs, offsetsTaken));
      if (result.errorCode === 0) this.notifier.notify(key);
      return result;
    } finally {
      offsetsTaken();
      if (this.offsetsTaken.get(key) === taken) this.offsetsTaken.delete(key);
    }
  }

  read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.run("read", () => read(this.db, topic, partition, fetchOffset, maxBytes));
  }

  abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
    return this.run("aborted transactions", () => markers.abortedTransactions(this.db, topic, partition, fromOffset, toOffset));
  }

  offsets(topic: string, partition: number): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    return this.run("offsets", async () => {
      const [w] = await query<{ log_start_offset: number; high_watermark: number; last_stable_offset: number }>(this.db, "watermark", [topic, partition]);
      if (w === undefined) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
      return { errorCode: 0, logStartOffset: w.log_start_offset, highWatermark: w.high_watermark, lastStableOffset: w.last_stable_offset };
    });
  }

  batchByTimestamp(topic: string, partition: number, q: TimestampQuery): Promise<StoredBatch | null> {
    return this.run("list offsets", () => batchByTimestamp(this.db, topic, partition, q));
  }

  deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult> {
    return this.run("delete records", () => retention.deleteRecords(this.db, topic, partition, offset));
  }

  applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
    return this.run("apply retention", () => retention.applyRetention(this.db, topic, partition, policy));
  }

  compact(topic: string, partition: number, policy: CompactionPolicy): Promise<CompactResult> {
    return this.run("compact", () => compact(this.db, topic, partition, policy));
  }

  retained(topic: string, partition: number): Promise<RetainedResult> {
    return this.run("retained", () => retention.retained(this.db, topic, partition));
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return;
    const keys = partitions.map(({ topic, partition }) => partitionKey(topic, partition));
    await this.notifier.wait(keys, timeoutMs, signal);
  }

  initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult> {
    return this.run("init producer id", () => producers.initProducerId(this.db, request));
  }

  allocateProducerId(): Promise<number> {
    return this.run("allocate producer id", () => producers.allocateProducerId(this.db));
  }

  describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }> {
    return this.run("describe producers", async () => {
      const found = await producerSnapshots(this.db, topic, partition);
      return found === null ? { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } : { errorCode: 0, producers: found };
    });
  }

  async writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult> {
    // the control batch NOTIFYs tansu_append with append-batch, waking every broker's fetches
    const result = await this.run("write txn marker", () => markers.writeTxnMarker(this.db, topic, partition, marker, this.copyTimeoutMs));
    if (result.errorCode === 0 && result.offset !== null) this.notifier.notify(partitionKey(topic, partition));
    return result;
  }

  getTransaction(transactionalId: string): Promise<StoredTransaction | null> {
    return this.run("get transaction", () => transactions.getTransaction(this.db, transactionalId));
  }

  putTransaction(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
    return this.run("put transaction", () => transactions.putTransaction(this.db, transactionalId, state, expectedVersion));
  }

  deleteTransaction(transactionalId: string, expectedVersion: string): Promise<boolean> {
    return this.run("delete transaction", () => transactions.deleteTransaction(this.db, transactionalId, expectedVersion));
  }

  listTransactions(): Promise<StoredTransaction[]> {
    return this.run("list transactions", () => transactions.listTransactions(this.db));
  }

  getGroup(groupId: string): Promise<StoredGroup | null> {
    return this.run("get group", () => groups.getGroup(this.db, groupId));
  }

  async putGroup(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
    const result = await this.run("put group", () => groups.putGroup(this.db, groupId, state, expectedVersion));
    if (result.ok) this.notifier.notify(groupKey(groupId));
    return result;
  }

  async deleteGroup(groupId: string, expectedVersion: string): Promise<boolean> {
    const deleted = await this.run("delete group", () => groups.deleteGroup(this.db, groupId, expectedVersion));
    if (deleted) this.notifier.notify(groupKey(groupId));
    return deleted;
  }

  listGroups(): Promise<StoredGroup[]> {
    return this.run("list groups", () => groups.listGroups(this.db));
  }

  async waitForGroupChange(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // a NOTIFY of a change made before sinceVersion may still be in flight: after each wake-up,
    // look again and keep waiting while the version has not moved
    while (!this.closed && !signal?.aborted && Date.now() < deadline) {
      const done = new AbortController();
      const stop = () => done.abort();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        // listen first, then look, so a change in between is not missed
        const waiting = this.notifier.wait([groupKey(groupId)], deadline - Date.now(), done.signal);
        const current = await this.getGroup(groupId).catch(() => undefined);
        const changed = current === undefined || (current?.version ?? null) !== sinceVersion;
        if (changed) done.abort();
        await waiting;
        if (changed) return;
      } finally {
        signal?.removeEventListener("abort", stop);
      }
    }
  }

  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    return this.run("commit offsets", () => groups.commitOffsets(this.db, groupId, offsets));
  }

  fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
    return this.run("fetch offsets", () => groups.fetchOffsets(this.db, groupId, partitions));
  }

  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    return this.run("delete offsets", () => groups.deleteOffsets(this.db, groupId, partitions));
  }

  clientQuotas(): Promise<ClientQuota[]> {
    return this.run("client quotas", () => quotas.clientQuotas(this.db));
  }

  alterClientQuotas(alterations: readonly ClientQuotaAlteration[]): Promise<void> {
    return this.run("alter client quotas", () => quotas.alterClientQuotas(this.db, alterations));
  }

  scramCredentials(user?: string): Promise<StoredScramCredential[]> {
    return this.run("scram credentials", () => security.scramCredentials(this.db, user));
  }

  alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void> {
    return this.run("alter scram credentials", () => security.alterScramCredentials(this.db, alterations));
  }

  acls(): Promise<AclBinding[]> {
    return this.run("acls", () => security.acls(this.db));
  }

  createAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.run("create acls", () => security.createAcls(this.db, bindings));
  }

  deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.run("delete acls", () => security.deleteAcls(this.db, bindings));
  }

  async ping(): Promise<void> {
    await this.run("ping", () => this.db.unsafe("select 1"));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.notifyAll();
    await Promise.all(this.unlisten.map((unlisten) => unlisten().catch(() => undefined)));
    await this.db.end({ timeout: 5 });
  }

  /** Pending waitForAppend registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.notifier.size;
  }
}

export type { PostgresEngine };

export async function openPostgresEngine(url: URL, options: PostgresOptions = {}): Promise<PostgresEngine> {
  const description = describeUrl(url);
  const db = connect(url, options.maxConnections ?? 10);
  const engine = new PostgresEngine(description, db, options.copyTimeoutMs ?? 30_000);
  try {
    await migrate(db);
    await engine.listen();
  } catch (e) {
    await db.end({ timeout: 1 }).catch(() => undefined);
    const mapped = asStorageError(e, `cannot open ${description}`);
    throw mapped instanceof StorageError ? mapped : new StorageError("unavailable", `cannot open ${description}: ${String(e)}`, { cause: e });
  }
  return engine;
}
