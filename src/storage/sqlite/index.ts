// The SQLite engine (`sqlite://path`, the default): one database file that any number of broker
// processes on the machine share. WAL mode lets readers run beside the one writer; every append
// is one BEGIN IMMEDIATE transaction, so offset assignment and producer checks are atomic across
// processes. bun:sqlite is synchronous: each operation runs to completion without interleaving
// with others in this process, and lock waits happen between retries, off the event loop. Appends
// and transaction markers, the writes that take offsets, run on a writer thread with a connection
// of its own (writer.ts).

import { Database } from "bun:sqlite";
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
import { ErrorCodes, type ErrorCode, type FailureCode } from "../../protocol/errors.ts";
import { asStorageError, BUSY_TIMEOUT_MS, withBusyRetry } from "./busy.ts";
import { migrate } from "./migrate.ts";
import * as groups from "./groups.ts";
import { partitionKey } from "../memory/notifier.ts";
import { ChangePoller } from "./poller.ts";
import * as markers from "./markers.ts";
import * as producers from "./producers.ts";
import * as quotas from "./quotas.ts";
import * as records from "./records.ts";
import * as retention from "./retention.ts";
import * as security from "./security.ts";
import { Statements, type TopicRow } from "./statements.ts";
import * as topics from "./topics.ts";
import * as transactions from "./transactions.ts";
import { sqliteLocation, type SqliteLocation } from "./url.ts";
import { WriterThread } from "./writer.ts";

class SqliteEngine implements Engine {
  readonly description: string;
  private readonly s: Statements;
  private readonly poller: ChangePoller;
  private closed = false;

  /** Started by the first append (an idle broker has no thread); null if off or it cannot start. */
  private writer: WriterThread | null | undefined;

  constructor(
    private readonly db: Database,
    private readonly location: SqliteLocation,
    writerThread: boolean,
  ) {
    this.description = `sqlite://${location.path}`;
    if (!writerThread) this.writer = null;
    this.s = new Statements(db);
    this.poller = new ChangePoller(() => db.query<{ data_version: number }, []>("PRAGMA data_version").get()?.data_version ?? 0);
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE), retrying while another process holds the lock. */
  private write<T>(what: string, fn: () => T): Promise<T> {
    this.checkOpen();
    const tx = this.db.transaction(fn);
    return withBusyRetry(() => tx.immediate(), what);
  }

  /** Runs `fn` in a read transaction, so it sees one snapshot of the file. */
  private read_<T>(what: string, fn: () => T): Promise<T> {
    this.checkOpen();
    const tx = this.db.transaction(fn);
    return withBusyRetry(() => tx.deferred(), what);
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError("unavailable", `${this.description} is closed`);
  }

  createTopic(spec: TopicSpec): Promise<CreateTopicResult> {
    return this.write("create topic", () => topics.createTopic(this.s, spec));
  }

  deleteTopic(name: string): Promise<boolean> {
    return this.write("delete topic", () => topics.deleteTopic(this.s, name));
  }

  getTopic(name: string): Promise<TopicInfo | null> {
    return this.read_("get topic", () => this.topicOrNull(this.s.get<TopicRow>("topic-by-name", name)));
  }

  getTopicById(topicId: string): Promise<TopicInfo | null> {
    return this.read_("get topic", () => this.topicOrNull(this.s.get<TopicRow>("topic-by-id", topicId)));
  }

  listTopics(): Promise<TopicInfo[]> {
    return this.read_("list topics", () => this.s.all<TopicRow>("topics").map(topics.topicInfo));
  }

  createPartitions(name: string, partitionCount: number): Promise<ErrorCode> {
    return this.write("create partitions", () => topics.createPartitions(this.s, name, partitionCount));
  }

  alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
    return this.write("alter configs", () => topics.alterConfigs(this.s, name, changes));
  }

  readonly appendsInCallOrder = true;

  async append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult> {
    const result = await this.inCallOrder(
      "append",
      (writer, now) => writer.append(topic, partition, batch, now),
      (now) => records.append(this.s, topic, partition, batch, now),
    );
    if (result.errorCode === 0) this.poller.notify(partitionKey(topic, partition));
    return result;
  }

  async writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult> {
    const result = await this.inCallOrder(
      "write txn marker",
      (writer, now) => writer.writeTxnMarker(topic, partition, marker, now),
      (now) => markers.writeTxnMarker(this.s, topic, partition, marker, now),
    );
    if (result.errorCode === 0 && result.offset !== null) this.poller.notify(partitionKey(topic, partition));
    return result;
  }

  private lastHandedOver: Promise<unknown> = Promise.resolve();

  /**
   * Each write to a partition is handed over once the one before has been: to the writer
   * thread, which takes its writes one at a time in order, or to this connection, where one
   * waiting out another process's lock holds back those after it.
   */
  private async inCallOrder<R>(what: string, onThread: (writer: WriterThread, now: number) => Promise<R>, here: (now: number) => R): Promise<R> {
    this.checkOpen();
    const handedOver = this.lastHandedOver.then(() => this.handOver(what, onThread, here));
    this.lastHandedOver = handedOver.then(
      (a) => a.handedOver,
      () => {},
    );
    return (await handedOver).stored;
  }

  private handOver<R>(what: string, onThread: (writer: WriterThread, now: number) => Promise<R>, here: (now: number) => R): { stored: Promise<R>; handedOver: Promise<unknown> } {
    const now = Date.now();
    // writes stay on this connection until the thread has opened the database
    const writer = this.writerThread();
    if (writer?.running === true) return { stored: onThread(writer, now), handedOver: Promise.resolve() };
    const stored = this.write(what, () => here(now));
    return { stored, handedOver: stored.catch(() => {}) };
  }

  read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.read_("read", () => records.read(this.s, topic, partition, fetchOffset, maxBytes));
  }

  // Like appends, these go to the writer thread in call order: one writer, so the cleaner never
  // waits out the appends' lock (nor they its) with backoff sleeps.
  deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult> {
    return this.inCallOrder(
      "delete records",
      (writer) => writer.deleteRecords(topic, partition, offset),
      () => retention.deleteRecords(this.s, topic, partition, offset),
    );
  }

  applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
    return this.inCallOrder(
      "apply retention",
      (writer) => writer.applyRetention(topic, partition, policy),
      () => retention.applyRetention(this.s, topic, partition, policy),
    );
  }

  async compact(topic: string, partition: number, policy: CompactionPolicy): Promise<{ errorCode: 0; removedRecords: number } | { errorCode: FailureCode }> {
    const planned = await this.read_("plan compaction", () => retention.planCompactionOf(this.s, topic, partition, policy));
    if (!("rewrites" in planned)) return planned;
    if (planned.rewrites.length === 0) return { errorCode: 0, removedRecords: 0 };
    return this.inCallOrder(
      "compact",
      (writer) => writer.applyCompaction(partition, planned),
      () => retention.applyCompaction(this.s, partition, planned),
    );
  }

  retained(topic: string, partition: number): Promise<RetainedResult> {
    return this.read_("retained", () => retention.retained(this.s, topic, partition));
  }

  abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]> {
    return this.read_("aborted transactions", () => markers.abortedTransactions(this.s, topic, partition, fromOffset, toOffset));
  }

  offsets(topic: string, partition: number): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }> {
    return this.read_("offsets", () => {
      const found = records.partitionOffsets(this.s, topic, partition);
      return found === null ? { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } : { errorCode: 0, ...found.offsets };
    });
  }

  batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null> {
    return this.read_("list offsets", () => records.batchByTimestamp(this.s, topic, partition, query));
  }

  async waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return;
    const watches = partitions.map(({ topic, partition }) => ({
      key: partitionKey(topic, partition),
      probe: () => records.watermark(this.s, topic, partition)?.high_watermark ?? null,
    }));
    await this.poller.wait(watches, timeoutMs, signal);
  }

  initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult> {
    return this.write("init producer id", () => producers.initProducerId(this.s, request));
  }

  allocateProducerId(): Promise<number> {
    return this.write("allocate producer id", () => producers.allocateProducerId(this.s));
  }

  describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }> {
    return this.read_("describe producers", () => {
      const found = producers.describeProducers(this.s, topic, partition);
      return found === null ? { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } : { errorCode: 0, producers: found };
    });
  }

  getTransaction(transactionalId: string): Promise<StoredTransaction | null> {
    return this.read_("get transaction", () => transactions.getTransaction(this.s, transactionalId));
  }

  putTransaction(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
    return this.write("put transaction", () => transactions.putTransaction(this.s, transactionalId, state, expectedVersion));
  }

  deleteTransaction(transactionalId: string, expectedVersion: string): Promise<boolean> {
    return this.write("delete transaction", () => transactions.deleteTransaction(this.s, transactionalId, expectedVersion));
  }

  listTransactions(): Promise<StoredTransaction[]> {
    return this.read_("list transactions", () => transactions.listTransactions(this.s));
  }

  getGroup(groupId: string): Promise<StoredGroup | null> {
    return this.read_("get group", () => groups.getGroup(this.s, groupId));
  }

  async putGroup(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
    const result = await this.write("put group", () => groups.putGroup(this.s, groupId, state, expectedVersion));
    if (result.ok) this.poller.notify(groupKey(groupId));
    return result;
  }

  async deleteGroup(groupId: string, expectedVersion: string): Promise<boolean> {
    const deleted = await this.write("delete group", () => groups.deleteGroup(this.s, groupId, expectedVersion));
    if (deleted) this.poller.notify(groupKey(groupId));
    return deleted;
  }

  listGroups(): Promise<StoredGroup[]> {
    return this.read_("list groups", () => groups.listGroups(this.s));
  }

  async waitForGroupChange(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return;
    const probe = () => groups.getGroup(this.s, groupId)?.version ?? null;
    await this.poller.wait([{ key: groupKey(groupId), probe, since: sinceVersion }], timeoutMs, signal);
  }

  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    return this.write("commit offsets", () => groups.commitOffsets(this.s, groupId, offsets));
  }

  fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
    return this.read_("fetch offsets", () => groups.fetchOffsets(this.s, groupId, partitions));
  }

  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    return this.write("delete offsets", () => groups.deleteOffsets(this.s, groupId, partitions));
  }

  clientQuotas(): Promise<ClientQuota[]> {
    return this.read_("client quotas", () => quotas.clientQuotas(this.s));
  }

  alterClientQuotas(alterations: readonly ClientQuotaAlteration[]): Promise<void> {
    return this.write("alter client quotas", () => quotas.alterClientQuotas(this.s, alterations));
  }

  scramCredentials(user?: string): Promise<StoredScramCredential[]> {
    return this.read_("scram credentials", () => security.scramCredentials(this.s, user));
  }

  alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void> {
    return this.write("alter scram credentials", () => security.alterScramCredentials(this.s, alterations));
  }

  acls(): Promise<AclBinding[]> {
    return this.read_("acls", () => security.acls(this.s));
  }

  createAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.write("create acls", () => security.createAcls(this.s, bindings));
  }

  deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.write("delete acls", () => security.deleteAcls(this.s, bindings));
  }

  async ping(): Promise<void> {
    await this.read_("ping", () => this.db.query("SELECT 1").get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer?.close();
    this.poller.notifyAll();
    this.poller.stop();
    this.db.close(false);
  }

  /** The writer thread, started on first use; resolves once it can take appends (false: it cannot). */
  writerReady(): Promise<boolean> {
    return this.writerThread()?.started ?? Promise.resolve(false);
  }

  private writerThread(): WriterThread | null {
    if (this.writer === undefined) this.writer = startWriter(this.location);
    return this.writer;
  }

  /** Pending waitForAppend registrations (for leak checks in tests). */
  get pendingWaiters(): number {
    return this.poller.pending;
  }

  private topicOrNull(row: TopicRow | null): TopicInfo | null {
    return row === null ? null : topics.topicInfo(row);
  }
}

const groupKey = (groupId: string) => `group\u0000${groupId}`;

export type { SqliteEngine };

/** A writer thread, or none where threads cannot start (appends then stay on the engine's connection). */
function startWriter(location: SqliteLocation): WriterThread | null {
  try {
    return new WriterThread(location);
  } catch {
    return null;
  }
}

export interface SqliteOptions {
  /** Appends on a writer thread (writer.ts); false keeps them on the event loop. Default true. */
  writerThread?: boolean;
}

export async function openSqliteEngine(url: URL, options: SqliteOptions = {}): Promise<SqliteEngine> {
  const location = sqliteLocation(url);
  let db: Database;
  try {
    db = new Database(location.path, { create: true, readwrite: true });
  } catch (e) {
    throw new StorageError("unavailable", `cannot open ${location.path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await withBusyRetry(() => db.run("PRAGMA journal_mode = WAL"), "enable WAL");
    db.run(`PRAGMA synchronous = ${location.synchronous.toUpperCase()}`);
    await migrate(db);
  } catch (e) {
    db.close(false);
    throw asStorageError(e, `open ${location.path}`);
  }
  return new SqliteEngine(db, location, options.writerThread ?? true);
}
