// Transaction markers and the aborted transactions they leave. writeTxnMarker runs inside BEGIN
// IMMEDIATE like an append (on the writer thread when there is one): the producer's state, the
// control batch's offset and the abort row change together or not at all.

import type { AbortedTransaction, TxnMarker, TxnMarkerResult } from "../engine.ts";
import { controlBatch } from "../control-batch.ts";
import { afterTxnMarker, checkTxnMarker } from "../producer-state.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { loadProducerState, saveProducerState } from "./producer-states.ts";
import { store, watermark } from "./records.ts";
import type { Statements } from "./statements.ts";

interface AbortedRow {
  producer_id: number;
  first_offset: number;
  last_offset: number;
}

export function writeTxnMarker(s: Statements, topic: string, partition: number, marker: TxnMarker, now: number): TxnMarkerResult {
  const w = watermark(s, topic, partition);
  if (w === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
  const state = loadProducerState(s, topic, partition, marker.producerId);
  const check = checkTxnMarker(state, marker);
  if (check.kind === "error") return { errorCode: check.errorCode };
  let offset: number | null = null;
  if (check.kind === "append") {
    const stored = store(s, topic, partition, controlBatch(marker, now).bytes, 1, now);
    if (stored === null) throw new Error(`partition ${topic}/${partition} vanished inside a write transaction`);
    offset = stored.baseOffset;
  }
  const after = afterTxnMarker(state, marker, offset);
  saveProducerState(s, w.topic, partition, marker.producerId, after.state);
  if (after.aborted !== null) {
    s.run("insert-aborted-txn", w.topic, partition, marker.producerId, after.aborted.firstOffset, after.aborted.lastOffset);
  }
  return { errorCode: 0, offset };
}

export function abortedTransactions(s: Statements, topic: string, partition: number, fromOffset: number, toOffset: number): AbortedTransaction[] {
  return s
    .all<AbortedRow>("aborted-txns", topic, partition, fromOffset, toOffset)
    .map((r) => ({ producerId: r.producer_id, firstOffset: r.first_offset, lastOffset: r.last_offset }));
}
