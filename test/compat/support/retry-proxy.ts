// Forces a producer retry: forwards the first Produce requests to the broker, then cuts the
// connection when each one's response comes back, so the broker has stored the batches but the
// client never hears so and must send them again.

import { type FrameProxy, startFrameProxy } from "../../support/frame-proxy.ts";
import { PRODUCE_KEY, type ProducedBatch, produceBatches } from "../../support/produce-batches.ts";

export interface RetryProxy extends FrameProxy {
  /** Responses withheld so far. */
  readonly cuts: number;
  /** Every batch of every Produce request, in the order sent (resends included). */
  readonly batches: readonly ProducedBatch[];
}

/** Batches sent more than once: same topic, partition, producer id, epoch and base sequence. */
export function resentBatches(batches: readonly ProducedBatch[]): number {
  const seen = new Map<string, number>();
  for (const b of batches) {
    const id = `${b.topic}/${b.partition}/${b.header.producerId}/${b.header.producerEpoch}/${b.header.baseSequence}`;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return [...seen.values()].filter((n) => n > 1).length;
}

export function startRetryProxy(cutProduceResponses: number): RetryProxy {
  let cuts = 0;
  const batches: ProducedBatch[] = [];
  const proxy = startFrameProxy({
    request(frame, info) {
      if (info.apiKey === PRODUCE_KEY) batches.push(...produceBatches(frame));
    },
    response(_frame, info) {
      if (info.apiKey !== PRODUCE_KEY || cuts >= cutProduceResponses) return "forward";
      cuts++;
      return "cut";
    },
  });
  return {
    ...proxy,
    get cuts() {
      return cuts;
    },
    batches,
  };
}
