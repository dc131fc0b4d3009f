// What one commit does to an index, computed purely from the index it is based on: idempotence and
// transaction checks (the shared rules in ../producer-state.ts) and offset assignment for every
// batch and transaction marker of one data object, in arrival order. The caller writes the result
// with one compare-and-swap, so the checks and the offsets land together or not at all.

import type { AbortedTransaction, BatchMeta, TxnMarker } from "../engine.ts";
import { afterAppend, afterTxnMarker, checkProducerBatch, checkTxnMarker, isIdempotent } from "../producer-state.ts";
import { ErrorCodes, type FailureCode } from "../../protocol/errors.ts";
import type { Entry, PartitionIndex, ProducerEntry } from "./partition-index.ts";

export interface PlacedBatch {
  meta: BatchMeta;
  /** Set when the batch is the control batch of a transaction marker (writeTxnMarker). */
  marker?: TxnMarker;
  /** Where the batch sits in the data object. */
  position: number;
  length: number;
}

export type BatchOutcome =
  | { kind: "appended"; baseOffset: number }
  | { kind: "duplicate"; baseOffset: number }
  /** A marker that ended no open transaction: nothing stored, though the producer state changed. */
  | { kind: "skipped" }
  | { kind: "error"; errorCode: FailureCode };

export interface AppendPlan {
  /** The index to write; the base itself when nothing changed. */
  index: PartitionIndex;
  outcomes: BatchOutcome[];
  changed: boolean;
}

export interface DataObject {
  name: string;
  size: number;
}

/** An index being planned; `aborted` is the base's until an abort replaces it with a copy. */
interface Draft {
  producers: Map<number, ProducerEntry>;
  added: Entry[];
  aborted: AbortedTransaction[];
  next: number;
  dataNumber: number;
  stateChanged: boolean;
  now: number;
}

export function planAppend(base: PartitionIndex, data: DataObject, batches: readonly PlacedBatch[], now: number, producerExpirationMs: number): AppendPlan {
  if (base.deleted) return { index: base, outcomes: batches.map(() => ({ kind: "error", errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION })), changed: false };
  const d: Draft = { producers: new Map(base.producers), added: [], aborted: base.aborted, next: base.highWatermark, dataNumber: base.data.length, stateChanged: false, now };
  const outcomes = batches.map((b) => (b.marker === undefined ? placeBatch(d, b) : placeMarker(d, b, b.marker)));
  if (d.added.length === 0 && !d.stateChanged) return { index: base, outcomes, changed: false };
  return {
    index: {
      ...base,
      highWatermark: d.next,
      data: d.added.length === 0 ? base.data : [...base.data, { name: data.name, size: data.size }],
      entries: [...base.entries, ...d.added],
      producers: expire(d.producers, now - producerExpirationMs),
      aborted: d.aborted,
    },
    outcomes,
    changed: true,
  };
}

function placeBatch(d: Draft, placed: PlacedBatch): BatchOutcome {
  const { meta } = placed;
  const state = isIdempotent(meta) ? d.producers.get(meta.producerId) : undefined;
  if (isIdempotent(meta)) {
    const check = checkProducerBatch(state, meta);
    if (check.kind === "error") return { kind: "error", errorCode: check.errorCode };
    if (check.kind === "duplicate") return { kind: "duplicate", baseOffset: check.baseOffset };
  }
  const baseOffset = store(d, placed);
  if (isIdempotent(meta)) d.producers.set(meta.producerId, { ...afterAppend(state, meta, baseOffset), lastAppendMs: d.now });
  return { kind: "appended", baseOffset };
}

/** A skipped marker still changes the producer's state (its epoch, the completed transaction). */
function placeMarker(d: Draft, placed: PlacedBatch, marker: TxnMarker): BatchOutcome {
  const state = d.producers.get(marker.producerId);
  const check = checkTxnMarker(state, marker);
  if (check.kind === "error") return { kind: "error", errorCode: check.errorCode };
  const offset = check.kind === "append" ? store(d, placed) : null;
  const after = afterTxnMarker(state, marker, offset);
  d.producers.set(marker.producerId, { ...after.state, lastAppendMs: d.now });
  d.stateChanged = true;
  if (after.aborted !== null) d.aborted = [...d.aborted, { producerId: marker.producerId, ...after.aborted }];
  return offset === null ? { kind: "skipped" } : { kind: "appended", baseOffset: offset };
}

function store(d: Draft, { meta, position, length }: PlacedBatch): number {
  const baseOffset = d.next;
  d.next += meta.recordCount;
  d.added.push({ baseOffset, lastOffset: d.next - 1, maxTimestamp: meta.maxTimestamp, data: d.dataNumber, position, length });
  return baseOffset;
}

/** Drops producers idle since `before`, except those with an open transaction (it holds the LSO). */
function expire(producers: Map<number, ProducerEntry>, before: number): Map<number, ProducerEntry> {
  for (const [id, p] of producers) if (p.lastAppendMs < before && (p.txn?.currentTxnFirstOffset ?? -1) < 0) producers.delete(id);
  return producers;
}

/**
 * Outcomes of a commit that landed without our seeing the answer, read back from an index that
 * contains it: appended batches and markers are found by their place in the data object; the
 * others are checked again, which answers a duplicate with its offset.
 */
export function outcomesFromIndex(index: PartitionIndex, entries: readonly Entry[], batches: readonly PlacedBatch[]): BatchOutcome[] {
  const byPosition = new Map(entries.map((e) => [e.position, e.baseOffset]));
  return batches.map(({ meta, marker, position }): BatchOutcome => {
    const baseOffset = byPosition.get(position);
    if (baseOffset !== undefined) return { kind: "appended", baseOffset };
    if (marker !== undefined) {
      // Landed without storing the marker: it was skipped (a later epoch may refuse it by now).
      const check = checkTxnMarker(index.producers.get(marker.producerId), marker);
      return check.kind === "error" ? { kind: "error", errorCode: check.errorCode } : { kind: "skipped" };
    }
    const check = checkProducerBatch(index.producers.get(meta.producerId), meta);
    if (check.kind === "duplicate") return { kind: "duplicate", baseOffset: check.baseOffset };
    if (check.kind === "error") return { kind: "error", errorCode: check.errorCode };
    // Rejected when it landed, for a reason the producer state no longer shows.
    return { kind: "error", errorCode: ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER };
  });
}
