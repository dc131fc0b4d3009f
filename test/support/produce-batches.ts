// The record batches inside a captured Produce request frame.

import { decodeRequest } from "../../src/protocol/frame.ts";
import { apisByKey, type ProduceRequest } from "../../src/protocol/generated/index.ts";
import { type BatchHeader, readBatchHeader, splitBatches } from "../../src/protocol/records/index.ts";

export const PRODUCE_KEY = 0;

export interface ProducedBatch {
  topic: string;
  partition: number;
  header: BatchHeader;
  /** The whole batch as sent. */
  bytes: Uint8Array;
}

/** `frame` is a whole request frame, size prefix included; it must be a Produce request. */
export function produceBatches(frame: Uint8Array): ProducedBatch[] {
  const decoded = decodeRequest(frame.subarray(4), (k) => apisByKey.get(k));
  if (!decoded.ok) throw new Error(`undecodable request: ${decoded.error.message}`);
  if (decoded.header.apiKey !== PRODUCE_KEY) throw new Error(`not a Produce request: key ${decoded.header.apiKey}`);
  const body = decoded.body as ProduceRequest;
  const batches: ProducedBatch[] = [];
  for (const topic of body.topicData) {
    for (const p of topic.partitionData) {
      if (p.records === null) continue;
      const { batches: whole, partial } = splitBatches(p.records);
      if (partial.length > 0) throw new Error(`${topic.name}-${p.index}: ${partial.length} trailing bytes after the batches`);
      for (const bytes of whole) batches.push({ topic: topic.name, partition: p.index, header: readBatchHeader(bytes), bytes });
    }
  }
  return batches;
}
