// What one commit does to an index, computed purely from the index it is based on: idempotence
// checks (the shared rules in ../producer-state.ts) and offset assignment for every batch of one
// data object, in arrival order. The caller writes the result with one compare-and-swap, so the
// checks and the offsets land together or not at all.

import type { BatchMeta } from "../engine.ts";
import { afterAppend, checkProducerBatch, isIdempotent, type ProducerState } from "../producer-state.ts";
import { ErrorCodes, type FailureCode } from "../../protocol/errors.ts";
import type { Entry, PartitionIndex, ProducerEntry } from "./partition-index.ts";

export interface PlacedBatch {
  meta: BatchMeta;
  /** Where the batch sits in the data object. */
  position: number;
  length: number;
}

export type BatchOutcome =
  | { kind: "appended"; baseOffset: number }
  | { kind: "duplicate"; baseOffset: number }
  | { kind: "error"; errorCode: FailureCode };

export interface AppendPlan {
  /** The index to write; the base itself when nothing was appended. */
  index: PartitionIndex;
  outcomes: BatchOutcome[];
  appended: number;
}

export interface DataObject {
  name: string;
  size: number;
}

export function planAppend(base: PartitionIndex, data: DataObject, batches: readonly PlacedBatch[], now: number, producerExpirationMs: number): AppendPlan {
  if (base.deleted) return { index: base, outcomes: batches.map(() => ({ kind: "error", errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION })), appended: 0 };
  const producers = new Map(base.producers);
  const added: Entry[] = [];
  const outcomes: BatchOutcome[] = [];
  const dataNumber = base.data.length;
  let next = base.highWatermark;
  for (const { meta, position, length } of batches) {
    const held = isIdempotent(meta) ? producers.get(meta.producerId) : undefined;
    const state: ProducerState | undefined = held === undefined ? undefined : { producerEpoch: held.producerEpoch, batches: held.batches };
    if (isIdempotent(meta)) {
      const check = checkProducerBatch(state, meta);
      if (check.kind === "error") {
        outcomes.push({ kind: "error", errorCode: check.errorCode });
        continue;
      }
      if (check.kind === "duplicate") {
        outcomes.push({ kind: "duplicate", baseOffset: check.baseOffset });
        continue;
      }
    }
    const baseOffset = next;
    next += meta.recordCount;
    added.push({ baseOffset, lastOffset: next - 1, maxTimestamp: meta.maxTimestamp, data: dataNumber, position, length });
    outcomes.push({ kind: "appended", baseOffset });
    if (isIdempotent(meta)) {
      const after = afterAppend(state, meta, baseOffset);
      producers.set(meta.producerId, { producerEpoch: after.producerEpoch, lastAppendMs: now, batches: after.batches });
    }
  }
  if (added.length === 0) return { index: base, outcomes, appended: 0 };
  return {
    index: {
      ...base,
      highWatermark: next,
      data: [...base.data, { name: data.name, size: data.size }],
      entries: [...base.entries, ...added],
      producers: expire(producers, now - producerExpirationMs),
    },
    outcomes,
    appended: added.length,
  };
}

function expire(producers: Map<number, ProducerEntry>, before: number): Map<number, ProducerEntry> {
  for (const [id, p] of producers) if (p.lastAppendMs < before) producers.delete(id);
  return producers;
}

/**
 * Outcomes of a commit that landed without our seeing the answer, read back from an index that
 * contains it: appended batches are found by their place in the data object; the others are
 * checked again, which answers a duplicate with its offset.
 */
export function outcomesFromIndex(index: PartitionIndex, entries: readonly Entry[], batches: readonly PlacedBatch[]): BatchOutcome[] {
  const byPosition = new Map(entries.map((e) => [e.position, e.baseOffset]));
  return batches.map(({ meta, position }): BatchOutcome => {
    const baseOffset = byPosition.get(position);
    if (baseOffset !== undefined) return { kind: "appended", baseOffset };
    const held = index.producers.get(meta.producerId);
    const check = checkProducerBatch(held === undefined ? undefined : { producerEpoch: held.producerEpoch, batches: held.batches }, meta);
    if (check.kind === "duplicate") return { kind: "duplicate", baseOffset: check.baseOffset };
    if (check.kind === "error") return { kind: "error", errorCode: check.errorCode };
    // Rejected when it landed, for a reason the producer state no longer shows.
    return { kind: "error", errorCode: ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER };
  });
}
