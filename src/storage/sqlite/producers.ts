// Producer ids (InitProducerId for idempotent producers, ids for the transaction coordinator) and
// the producers a partition knows (DescribeProducers). Each runs inside a transaction.

import type { ProducerIdRequest, ProducerIdResult, ProducerSnapshot } from "../engine.ts";
import { initIdempotent } from "../producer-ids.ts";
import { producerSnapshots } from "./producer-states.ts";
import { watermark } from "./records.ts";
import type { Statements } from "./statements.ts";

export function allocateProducerId(s: Statements): number {
  const row = s.get<{ value: number }>("next-producer-id");
  if (row === null) throw new Error("producer id counter is missing");
  return row.value;
}

export function initProducerId(s: Statements, request: ProducerIdRequest): ProducerIdResult {
  const known = s.get<{ producer_epoch: number }>("idempotent-epoch", request.producerId);
  const result = initIdempotent(request, known?.producer_epoch, () => allocateProducerId(s));
  if (result.errorCode === 0) s.run("upsert-idempotent", result.producerId, result.producerEpoch);
  return result;
}

/** Null when there is no such partition. */
export function describeProducers(s: Statements, topic: string, partition: number): ProducerSnapshot[] | null {
  const w = watermark(s, topic, partition);
  return w === null ? null : producerSnapshots(s, w.topic, partition);
}
