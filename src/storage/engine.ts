// The one storage interface every engine (memory, SQLite, PostgreSQL, S3) implements. Brokers keep
// no state of their own, so everything another broker must see goes through here.
//
// Invariants every engine keeps (the conformance suite checks them):
// - An append resolves only once the batch is durable in the engine.
// - Offsets in a partition are contiguous from logStartOffset to highWatermark, whatever number of
//   brokers append concurrently; offsets and idempotent-producer checks are assigned atomically.
// - Readers never see partial state.
// Kafka errors come back as data (`errorCode`); only internal failures throw, as StorageError.
// Failed results carry a FailureCode (a literal code other than NONE) so `errorCode === 0` narrows.

import type { ErrorCode, FailureCode } from "../protocol/errors.ts";

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** What the broker learns from a record batch header before handing the batch to an engine. */
export interface BatchMeta {
  /** Number of records; offsets taken are [baseOffset, baseOffset + recordCount). */
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** -1 for batches from producers that are not idempotent. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  /**
   * Transactional batches only: the number of the transaction the coordinator verified the batch
   * against (TransactionState.verificationGuard). The partition refuses a batch whose transaction
   * it has already seen a marker for (INVALID_TXN_STATE), so a produce checked before EndTxn and
   * stored after its marker cannot open a hanging transaction (KIP-890 part 1).
   */
  verificationGuard?: number;
}

/** A record batch v2 as the client sent it; the engine rewrites only its baseOffset field. */
export interface AppendBatch {
  /**
   * Lent to the engine for the append: it may set baseOffset in these bytes in place (SQLite does,
   * rather than copy each batch), must copy whatever it keeps once append resolves, and the caller
   * may then reuse them. The broker may lend them because every request frame is a buffer of its
   * own (protocol/frames.ts) that only its one request reads, and nothing reads a produced
   * batch's baseOffset after append. The batch has passed Produce's checks (validateBatch): it is
   * whole, magic 2, and its CRC-32C is right.
   */
  bytes: Uint8Array;
  meta: BatchMeta;
}

export type AppendResult =
  | {
      errorCode: 0;
      baseOffset: number;
      /** Broker time assigned at append (used when the topic uses LogAppendTime). */
      logAppendTimeMs: number;
      logStartOffset: number;
    }
  | { errorCode: FailureCode; logStartOffset?: number };

export interface PartitionOffsets {
  logStartOffset: number;
  highWatermark: number;
  /** First offset of the partition's oldest open transaction; highWatermark when none is open. */
  lastStableOffset: number;
}

/**
 * A COMMIT or ABORT marker (WriteTxnMarkers) for one producer's transaction in one partition. The
 * engine stores it as a control batch (storage/control-batch.ts) of one record at the next offset.
 */
export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  /** The transaction's number (TransactionState.verificationGuard): a stale marker never closes a newer transaction. */
  verificationGuard: number;
}

/**
 * `offset` is where the marker was stored, or null when the producer had no open transaction
 * with that guard in the partition (nothing stored, but the partition remembers the guard and
 * epoch, so writing a marker twice is harmless). A marker with an epoch older than the
 * partition's for that producer is INVALID_PRODUCER_EPOCH: a newer coordinator decision exists.
 */
export type TxnMarkerResult = { errorCode: 0; offset: number | null } | { errorCode: FailureCode };

/** An aborted transaction as Fetch reports it: the client drops the producer's batches from firstOffset up to the marker. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

/**
 * Time and size retention for one partition (cleanup.policy includes delete), resolved from the
 * topic's configs by the broker. Whole batches go, oldest first, and only while every older one
 * goes too (Kafka deletes segments from the oldest and stops at the first it keeps).
 */
export interface RetentionPolicy {
  /** A batch whose maxTimestamp is below this (ms since the epoch) has expired; null: no time limit. */
  expireBefore: number | null;
  /** The oldest batch goes only while the batches after it still hold at least this many bytes; null: no size limit. */
  retainBytes: number | null;
}

/** Log compaction (cleanup.policy=compact) for one partition; storage/compaction.ts has the rules. */
export interface CompactionPolicy {
  /** Only batches whose maxTimestamp is below this are compacted (min.compaction.lag.ms); the rest wait. */
  compactBefore: number;
  /** A tombstone with a timestamp below this goes (delete.retention.ms). */
  tombstonesBefore: number;
}

/** What a partition's batches take in the store (the admin port's retained bytes). */
export type RetainedResult = { errorCode: 0; retainedBytes: number; batchCount: number } | { errorCode: FailureCode };

/** The partition's logStartOffset after DeleteRecords or retention. */
export type LogStartResult = { errorCode: 0; logStartOffset: number } | { errorCode: FailureCode };

/** One producer's state in a partition, for DescribeProducers. */
export interface ProducerSnapshot {
  producerId: number;
  producerEpoch: number;
  /** Sequence of the last record stored; -1 when none at this epoch. */
  lastSequence: number;
  /** Max timestamp of the producer's last batch; -1 when unknown. */
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction in the partition; -1 when none. */
  currentTxnStartOffset: number;
}

/** A stored batch: bytes with baseOffset set, plus the facts that let callers skip decoding. */
export interface StoredBatch {
  baseOffset: number;
  /** Offset of the batch's last record. */
  lastOffset: number;
  maxTimestamp: number;
  bytes: Uint8Array;
}

export type ReadResult =
  | ({ errorCode: 0; batches: StoredBatch[] } & PartitionOffsets)
  | ({ errorCode: FailureCode } & Partial<PartitionOffsets>);

export type TimestampQuery =
  /** The first batch holding a record with timestamp >= ts (by batch maxTimestamp). */
  | { kind: "at-or-after"; timestamp: number }
  /** The batch holding the largest timestamp (KIP-734); the earliest such batch on ties. */
  | { kind: "max-timestamp" };

export interface TopicSpec {
  name: string;
  partitionCount: number;
  replicationFactor: number;
  /** Only the configs set explicitly for this topic; defaults live in the broker. */
  configs: Record<string, string>;
}

export interface TopicInfo extends TopicSpec {
  /** A UUID (8-4-4-4-12 lower-case hex), never the zero UUID. */
  topicId: string;
}

export type CreateTopicResult = { errorCode: 0; topic: TopicInfo } | { errorCode: FailureCode };

/** InitProducerId from an idempotent producer without a transactional id (src/transactions has those). */
export interface ProducerIdRequest {
  /** KIP-360: a producer re-initialising passes the id and epoch it holds; -1/-1 otherwise. */
  producerId: number;
  producerEpoch: number;
}

export type ProducerIdResult = { errorCode: 0; producerId: number; producerEpoch: number } | { errorCode: FailureCode };

/** A consumer group's coordinator state as stored. */
export interface StoredGroup {
  groupId: string;
  /**
   * Changes on every write and never repeats for a group id, even after the group is deleted and
   * created again (waiters and compare-and-swap compare versions). Opaque to callers: a counter, a
   * row version or an ETag.
   */
  version: string;
  /** JSON text written by src/groups; engines store and return it unchanged. */
  state: string;
}

/** A lost compare-and-swap carries what is stored now (null: no such group), to re-apply against. */
export type GroupWriteResult = { ok: true; version: string } | { ok: false; current: StoredGroup | null };

/** A transactional id's coordinator state as stored; versioned like StoredGroup. */
export interface StoredTransaction {
  transactionalId: string;
  /** Changes on every write and never repeats for an id, even after it is deleted and created again. */
  version: string;
  /** JSON text written by src/transactions; engines store and return it unchanged. */
  state: string;
}

export type TransactionWriteResult = { ok: true; version: string } | { ok: false; current: StoredTransaction | null };

/** A consumer group's committed position in one partition (OffsetCommit / OffsetFetch). */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  /** -1 when the client sent none. */
  leaderEpoch: number;
  metadata: string | null;
  /** Milliseconds since the epoch. */
  commitTimestamp: number;
}

/**
 * One part of a client quota entity, in Kafka's terms: an entity type ("user", "client-id") and a
 * name, null for that type's default entity.
 */
export interface QuotaEntityPart {
  entityType: string;
  entityName: string | null;
}

/** A client quota entity with its quota values (producer_byte_rate …), as AlterClientQuotas set them. */
export interface ClientQuota {
  /** One part per entity type, in entityType order. */
  entity: QuotaEntityPart[];
  values: Record<string, number>;
}

/** Changes to one entity's quotas: a number sets the key, null removes it. */
export interface ClientQuotaAlteration {
  entity: readonly QuotaEntityPart[];
  changes: Readonly<Record<string, number | null>>;
}

/** The SASL SCRAM mechanisms a credential may be for. */
export type ScramMechanismName = "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** What SCRAM keeps of a password (RFC 5802): never the password itself. */
export interface ScramSecret {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

/** One user's credential for one mechanism (a user may have one per mechanism). */
export interface StoredScramCredential extends ScramSecret {
  user: string;
  mechanism: ScramMechanismName;
}

/** Sets (secret) or removes (null) one user's credential for one mechanism. */
export interface ScramCredentialAlteration {
  user: string;
  mechanism: ScramMechanismName;
  secret: ScramSecret | null;
}

/**
 * One ACL binding in Kafka's codes (resource type Topic 2, Group 3, Cluster 4, TransactionalId 5,
 * DelegationToken 6; pattern LITERAL 3, PREFIXED 4; operation 2..14; permission DENY 2, ALLOW 3).
 * Engines store bindings as a set: two equal in every field are one binding.
 */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  /** `User:name`, or `User:*` for every principal. */
  principal: string;
  /** An IP address, or `*` for every host. */
  host: string;
  operation: number;
  permissionType: number;
}

export interface Engine {
  /** Human-readable engine kind and location, for logs (no secrets). */
  readonly description: string;

  // Topics
  createTopic(spec: TopicSpec): Promise<CreateTopicResult>;
  /** Deletes the topic with its records and every group's committed offsets of it; false if there was no such topic. */
  deleteTopic(name: string): Promise<boolean>;
  getTopic(name: string): Promise<TopicInfo | null>;
  getTopicById(topicId: string): Promise<TopicInfo | null>;
  listTopics(): Promise<TopicInfo[]>;
  /** Raises the partition count to `partitionCount` (never lowers it). */
  createPartitions(name: string, partitionCount: number): Promise<ErrorCode>;
  /** Sets (string) or removes (null) explicit topic configs. */
  alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode>;

  // Records
  /**
   * Appends one batch, assigning offsets and checking idempotent-producer sequence and epoch
   * atomically with the offset assignment. A duplicate of one of the producer's last five batches
   * succeeds with the original baseOffset and stores nothing.
   */
  append(topic: string, partition: number, batch: AppendBatch): Promise<AppendResult>;
  /**
   * True when appends take effect in the order append is called, also while earlier ones are
   * still being stored (the engine has one queue of appends). Produce then hands a connection's
   * next batch over as soon as the previous call is made, instead of once that batch is stored.
   */
  readonly appendsInCallOrder?: boolean;
  /**
   * Batches from the one containing `fetchOffset`, while their total size stays within maxBytes;
   * the first batch is always returned whole even if it alone exceeds maxBytes.
   * fetchOffset outside [logStartOffset, highWatermark] is OFFSET_OUT_OF_RANGE. The bytes may be
   * the engine's own (memory): callers only read them.
   */
  read(topic: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult>;
  /**
   * Aborted transactions that overlap [fromOffset, toOffset]: firstOffset <= toOffset and
   * lastOffset (the marker) >= fromOffset, in firstOffset order. A READ_COMMITTED Fetch asks after
   * reading, for the range it returns (all of it below the lastStableOffset, where aborts are final).
   */
  abortedTransactions(topic: string, partition: number, fromOffset: number, toOffset: number): Promise<AbortedTransaction[]>;
  offsets(
    topic: string,
    partition: number,
  ): Promise<({ errorCode: 0 } & PartitionOffsets) | { errorCode: FailureCode }>;
  batchByTimestamp(topic: string, partition: number, query: TimestampQuery): Promise<StoredBatch | null>;
  /**
   * Resolves when any of `partitions` gets a new record (appended through this process or, for
   * shared engines, another one), when `signal` aborts, or after `timeoutMs`.
   */
  waitForAppend(partitions: readonly TopicPartition[], timeoutMs: number, signal?: AbortSignal): Promise<void>;

  // Reclaiming storage: logStartOffset only rises, whatever number of brokers do this at once, and
  // the high watermark never moves back (the next record takes the next offset even when every
  // batch is gone). Batches wholly below logStartOffset are unreadable at once and their storage
  // is reclaimed (S3: data objects by maintenance, after a safe age).
  /**
   * DeleteRecords: raises logStartOffset to `offset` (-1: the high watermark); an offset below the
   * current logStartOffset changes nothing. Above the high watermark: OFFSET_OUT_OF_RANGE.
   */
  deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult>;
  /** Deletes the batches `policy` lets go, never one at or above the lastStableOffset. */
  applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult>;
  /**
   * Compacts the partition's cleanable range as storage/compaction.ts plans it, and swaps the
   * rewritten batches in atomically: offsets of kept records never change, the high watermark and
   * logStartOffset neither, and a batch deleted meanwhile is never brought back. Readers see the
   * partition before or after, never between.
   */
  compact(topic: string, partition: number, policy: CompactionPolicy): Promise<{ errorCode: 0; removedRecords: number } | { errorCode: FailureCode }>;
  /** Bytes of the batches the partition keeps (as produced, or as compaction rewrote them) and their number. */
  retained(topic: string, partition: number): Promise<RetainedResult>;

  // Producers
  initProducerId(request: ProducerIdRequest): Promise<ProducerIdResult>;
  /** A producer id never handed out before, by any instance over the store (for transactional ids). */
  allocateProducerId(): Promise<number>;
  /** Producers with state in the partition (DescribeProducers); UNKNOWN_TOPIC_OR_PARTITION if there is no such partition. */
  describeProducers(topic: string, partition: number): Promise<{ errorCode: 0; producers: ProducerSnapshot[] } | { errorCode: FailureCode }>;

  // Transactions: markers take offsets in the partition like batches; coordinator state changes
  // only by compare-and-swap, like a group's.
  /**
   * Ends the producer's open transaction in the partition with a control batch, atomically with
   * the partition's producer state: the lastStableOffset moves past it and an abort is recorded
   * for abortedTransactions. A duplicate or stale marker stores nothing (see TxnMarkerResult).
   */
  writeTxnMarker(topic: string, partition: number, marker: TxnMarker): Promise<TxnMarkerResult>;
  getTransaction(transactionalId: string): Promise<StoredTransaction | null>;
  /** Writes `state` if the stored version is `expectedVersion`, or, when that is null, if the id has none. */
  putTransaction(transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult>;
  /** Deletes the id's state if its stored version is still `expectedVersion`; false otherwise. */
  deleteTransaction(transactionalId: string, expectedVersion: string): Promise<boolean>;
  listTransactions(): Promise<StoredTransaction[]>;

  // Consumer groups: state changes only by compare-and-swap, so brokers sharing the engine never
  // lose each other's updates. A lost race is a result value, never an exception.
  getGroup(groupId: string): Promise<StoredGroup | null>;
  /**
   * Writes `state` if the group's stored version is `expectedVersion`, or, when expectedVersion is
   * null, if the group does not exist.
   */
  putGroup(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult>;
  /**
   * Deletes the group and all its committed offsets, atomically, if its stored version is still
   * `expectedVersion`; false (and nothing deleted) otherwise.
   */
  deleteGroup(groupId: string, expectedVersion: string): Promise<boolean>;
  listGroups(): Promise<StoredGroup[]>;
  /**
   * Resolves once the group's version differs from `sinceVersion` (null: the group is absent) —
   * at once if it already does —, when `signal` aborts, or after `timeoutMs`. Writes through any
   * instance over the same store count; engines without change notification may poll briefly.
   */
  waitForGroupChange(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void>;

  // Committed offsets
  /** Stores every one of `offsets` for the group atomically, replacing earlier commits of those partitions. */
  commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void>;
  /** The group's committed offsets: all of them (partitions null), or those of `partitions` that have one. */
  fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]>;
  /** Removes the group's committed offsets of `partitions` (OffsetDelete); absent ones are ignored. */
  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void>;

  // Client quotas: set and read by AlterClientQuotas/DescribeClientQuotas, enforced by every broker.
  // Writes are upserts and deletes by (entity, key), the last one winning, as in Kafka.
  /** Every entity that has at least one quota value. */
  clientQuotas(): Promise<ClientQuota[]>;
  /**
   * Applies the alterations atomically, in order; an entity's parts may come in any order. An
   * entity left without values is gone; removing a key that is not set does nothing.
   */
  alterClientQuotas(alterations: readonly ClientQuotaAlteration[]): Promise<void>;

  // Security: SCRAM credentials and ACLs, shared by every broker over the store.
  /** Every stored credential, or only `user`'s when given. */
  scramCredentials(user?: string): Promise<StoredScramCredential[]>;
  /** Applies the alterations atomically, in order; removing a credential that is not there does nothing. */
  alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void>;
  /** Every stored ACL binding. */
  acls(): Promise<AclBinding[]>;
  /** Adds the bindings atomically; one already stored stays stored once. */
  createAcls(bindings: readonly AclBinding[]): Promise<void>;
  /** Removes exactly these bindings atomically; ones not stored are ignored. */
  deleteAcls(bindings: readonly AclBinding[]): Promise<void>;

  /** Throws StorageError("unavailable") when the engine cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StorageErrorCode = "unavailable" | "conflict-exhausted" | "corrupt" | "misconfigured";

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = "StorageError";
  }
}
