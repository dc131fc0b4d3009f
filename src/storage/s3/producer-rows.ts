// The producer state and aborted transactions of a partition index (and its segments) as JSON rows.
//   producer: [producerId, epoch, lastAppendMs, [[firstSeq, lastSeq, baseOffset, lastOffset] ×≤5]
//              (, [currentTxnFirstOffset, currentTxnGuard, completedTxnGuard, coordinatorEpoch])]
//   aborted:  [producerId, firstOffset, lastOffset]
// The transaction part is present only once the producer wrote a transactional batch or a marker
// reached the partition.

import type { AbortedTransaction } from "../engine.ts";
import type { ProducerState, ProducerTxnState } from "../producer-state.ts";
import { num, rows, type Row } from "./json-rows.ts";

/** A producer's state in one partition, and when it last wrote there (for expiration). */
export interface ProducerEntry extends ProducerState {
  lastAppendMs: number;
}

export function encodeProducers(producers: ReadonlyMap<number, ProducerEntry>): unknown[] {
  return [...producers].map(([id, p]) => {
    const row: unknown[] = [id, p.producerEpoch, p.lastAppendMs, p.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset])];
    if (p.txn !== undefined) row.push([p.txn.currentTxnFirstOffset, p.txn.currentTxnGuard, p.txn.completedTxnGuard, p.txn.coordinatorEpoch]);
    return row;
  });
}

export function decodeProducers(list: readonly Row[], where: string): Map<number, ProducerEntry> {
  const producers = new Map<number, ProducerEntry>();
  for (const [id, producerEpoch, lastAppendMs, batches, txn] of list) {
    const entry: ProducerEntry = {
      producerEpoch: num(producerEpoch, where),
      lastAppendMs: num(lastAppendMs, where),
      batches: rows(batches, where).map((b) => ({ firstSeq: num(b[0], where), lastSeq: num(b[1], where), baseOffset: num(b[2], where), lastOffset: num(b[3], where) })),
    };
    if (txn !== undefined) entry.txn = decodeTxn(rows([txn], where)[0] ?? [], where);
    producers.set(num(id, where), entry);
  }
  return producers;
}

function decodeTxn(r: Row, where: string): ProducerTxnState {
  return { currentTxnFirstOffset: num(r[0], where), currentTxnGuard: num(r[1], where), completedTxnGuard: num(r[2], where), coordinatorEpoch: num(r[3], where) };
}

export function encodeAborted(aborted: readonly AbortedTransaction[]): unknown[] {
  return aborted.map((a) => [a.producerId, a.firstOffset, a.lastOffset]);
}

export function decodeAborted(list: readonly Row[], where: string): AbortedTransaction[] {
  return list.map((r) => ({ producerId: num(r[0], where), firstOffset: num(r[1], where), lastOffset: num(r[2], where) }));
}
