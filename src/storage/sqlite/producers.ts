// InitProducerId over the producer tables; runs inside a write transaction.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { initIdempotent, initTransactional, type TransactionalProducer } from "../producer-ids.ts";
import type { Statements } from "./statements.ts";

interface TransactionalRow {
  producer_id: number;
  producer_epoch: number;
  last_producer_id: number;
  last_producer_epoch: number;
  transaction_timeout_ms: number;
}

export function initProducerId(s: Statements, request: ProducerIdRequest): ProducerIdResult {
  const allocate = () => {
    const row = s.get<{ value: number }>("next-producer-id");
    if (row === null) throw new Error("producer id counter is missing");
    return row.value;
  };
  const { transactionalId } = request;
  if (transactionalId === null) {
    const known = s.get<{ producer_epoch: number }>("idempotent-epoch", request.producerId);
    const result = initIdempotent(request, known?.producer_epoch, allocate);
    if (result.errorCode === 0) s.run("upsert-idempotent", result.producerId, result.producerEpoch);
    return result;
  }
  const row = s.get<TransactionalRow>("transactional", transactionalId);
  const current: TransactionalProducer | undefined =
    row === null
      ? undefined
      : {
          producerId: row.producer_id,
          producerEpoch: row.producer_epoch,
          lastProducerId: row.last_producer_id,
          lastProducerEpoch: row.last_producer_epoch,
          transactionTimeoutMs: row.transaction_timeout_ms,
        };
  const result = initTransactional(current, request, allocate);
  if (result.errorCode !== 0) return result;
  const p = result.producer;
  s.run("upsert-transactional", transactionalId, p.producerId, p.producerEpoch, p.lastProducerId, p.lastProducerEpoch, p.transactionTimeoutMs);
  return { errorCode: 0, producerId: p.producerId, producerEpoch: p.producerEpoch };
}
