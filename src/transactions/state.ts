// A transactional id's coordinator state: plain JSON, stored by the engine and changed only by
// compare-and-swap (store.ts), so any broker may coordinate any call of any transaction.

import type { CommittedOffset, TopicPartition } from "../storage/engine.ts";

/**
 * Kafka's transaction states as stored. Dead is how a missing id is described; Kafka's
 * PrepareEpochFence is a PrepareAbort here whose epoch was bumped (the abort fences the producer).
 */
export type TransactionStateName = "Empty" | "Ongoing" | "PrepareCommit" | "PrepareAbort" | "CompleteCommit" | "CompleteAbort";

/** Offsets a TxnOffsetCommit sent for a group added by AddOffsetsToTxn; committed with the transaction. */
export interface PendingGroupOffsets {
  groupId: string;
  offsets: CommittedOffset[];
}

export interface TransactionState {
  state: TransactionStateName;
  producerId: number;
  producerEpoch: number;
  /** The id and epoch before the last InitProducerId bump, so a retried InitProducerId gets the same answer. */
  lastProducerId: number;
  lastProducerEpoch: number;
  transactionTimeoutMs: number;
  /** Partitions added to the current (or, while Prepare*, the ending) transaction. */
  partitions: TopicPartition[];
  groups: PendingGroupOffsets[];
  /** When the current transaction began (its first AddPartitionsToTxn/AddOffsetsToTxn); -1 when none. */
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /**
   * The number of the current transaction, raised each time one begins. Produce passes it with
   * transactional batches and markers carry it, so a partition tells a late batch of an ended
   * transaction from the start of a new one (KIP-890 part 1).
   */
  verificationGuard: number;
}

export const PREPARE_STATES: ReadonlySet<TransactionStateName> = new Set(["PrepareCommit", "PrepareAbort"]);

export function isPreparing(t: TransactionState): boolean {
  return PREPARE_STATES.has(t.state);
}

/** A new transaction may begin (AddPartitionsToTxn/AddOffsetsToTxn) only from these. */
export function canBegin(t: TransactionState): boolean {
  return t.state === "Empty" || t.state === "CompleteCommit" || t.state === "CompleteAbort";
}

export function sameTopicPartition(a: TopicPartition, b: TopicPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}
