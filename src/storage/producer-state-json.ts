// Producer state as SQL engines store it: the epoch in a column, the retained batches as JSON.

import type { ProducerBatch, ProducerState } from "./producer-state.ts";

export function batchesToJson(state: ProducerState): string {
  return JSON.stringify(state.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset]));
}

export function stateFromRow(producerEpoch: number, batchesJson: string | unknown[]): ProducerState {
  const raw: unknown = typeof batchesJson === "string" ? JSON.parse(batchesJson) : batchesJson;
  const batches: ProducerBatch[] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry)) continue;
      const [firstSeq, lastSeq, baseOffset, lastOffset] = entry.map(Number);
      if (firstSeq === undefined || lastSeq === undefined || baseOffset === undefined || lastOffset === undefined) continue;
      batches.push({ firstSeq, lastSeq, baseOffset, lastOffset });
    }
  }
  return { producerEpoch, batches };
}
