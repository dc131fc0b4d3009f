// Producer ids: InitProducerId for idempotent producers in one transaction (the producer's row is
// locked, for update), and fresh ids for the transaction coordinator, both from one sequence. The
// shared decision function takes a synchronous id allocator; a sequence value is fetched only when
// it needs one.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { initIdempotent } from "../producer-ids.ts";
import { query, type Db, type Queryable, type Tx } from "./connect.ts";

export async function allocateProducerId(db: Queryable): Promise<number> {
  const [row] = await query<{ producer_id: number }>(db, "next-producer-id");
  if (row === undefined) throw new Error("nextval returned no row");
  return row.producer_id;
}

/** Runs the pure `decide` once; if it allocated an id, runs it again with a real one. */
async function withAllocation<R>(tx: Tx, decide: (allocate: () => number) => R): Promise<R> {
  let wanted = false;
  const first = decide(() => {
    wanted = true;
    return -1;
  });
  if (!wanted) return first;
  const producerId = await allocateProducerId(tx);
  return decide(() => producerId);
}

export function initProducerId(db: Db, request: ProducerIdRequest): Promise<ProducerIdResult> {
  return db.begin(async (tx): Promise<ProducerIdResult> => {
    const [known] = await query<{ producer_epoch: number }>(tx, "lock-idempotent", [request.producerId]);
    const result = await withAllocation(tx, (allocate) => initIdempotent(request, known?.producer_epoch, allocate));
    if (result.errorCode === 0) await query(tx, "upsert-idempotent", [result.producerId, result.producerEpoch]);
    return result;
  });
}
