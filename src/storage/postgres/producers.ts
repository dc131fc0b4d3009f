// InitProducerId in one transaction: the idempotent producer's row is locked (for update), a
// transactional id is serialised with an advisory lock on its hash. The shared decision functions
// take a synchronous id allocator; a sequence value is fetched only when they need one.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { initIdempotent, initTransactional, type TransactionalProducer } from "../producer-ids.ts";
import { query, type Db, type Tx } from "./connect.ts";

interface TransactionalRow {
  producer_id: number;
  producer_epoch: number;
  last_producer_id: number;
  last_producer_epoch: number;
  transaction_timeout_ms: number;
}

/** Runs the pure `decide` once; if it allocated an id, runs it again with a real one. */
async function withAllocation<R>(tx: Tx, decide: (allocate: () => number) => R): Promise<R> {
  let wanted = false;
  const first = decide(() => {
    wanted = true;
    return -1;
  });
  if (!wanted) return first;
  const [row] = await query<{ producer_id: number }>(tx, "next-producer-id");
  if (row === undefined) throw new Error("nextval returned no row");
  return decide(() => row.producer_id);
}

export function initProducerId(db: Db, request: ProducerIdRequest): Promise<ProducerIdResult> {
  return db.begin(async (tx): Promise<ProducerIdResult> => {
    const { transactionalId } = request;
    if (transactionalId === null) {
      const [known] = await query<{ producer_epoch: number }>(tx, "lock-idempotent", [request.producerId]);
      const result = await withAllocation(tx, (allocate) => initIdempotent(request, known?.producer_epoch, allocate));
      if (result.errorCode === 0) await query(tx, "upsert-idempotent", [result.producerId, result.producerEpoch]);
      return result;
    }
    await query(tx, "lock-transactional-id", [transactionalId]);
    const [row] = await query<TransactionalRow>(tx, "transactional", [transactionalId]);
    const current: TransactionalProducer | undefined =
      row === undefined
        ? undefined
        : {
            producerId: row.producer_id,
            producerEpoch: row.producer_epoch,
            lastProducerId: row.last_producer_id,
            lastProducerEpoch: row.last_producer_epoch,
            transactionTimeoutMs: row.transaction_timeout_ms,
          };
    const result = await withAllocation(tx, (allocate) => initTransactional(current, request, allocate));
    if (result.errorCode !== 0) return result;
    const p = result.producer;
    await query(tx, "upsert-transactional", [transactionalId, p.producerId, p.producerEpoch, p.lastProducerId, p.lastProducerEpoch, p.transactionTimeoutMs]);
    return { errorCode: 0, producerId: p.producerId, producerEpoch: p.producerEpoch };
  });
}
