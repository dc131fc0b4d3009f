// KIP-890 part 1: a transactional batch is stored only for a partition added to its producer's
// ongoing transaction, and carries that transaction's verificationGuard to the partition. What a
// broker has verified is remembered here: the cache may only say yes, and a stale yes is safe
// because the partition refuses a batch of a transaction whose marker it has seen; the caller then
// verifies again from storage (the producer may have begun its next transaction meanwhile).

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import type { Engine } from "../storage/engine.ts";
import { sameTopicPartition, type TransactionState } from "./state.ts";
import { readTransaction } from "./store.ts";

interface Verified {
  producerId: number;
  producerEpoch: number;
  verificationGuard: number;
  partitions: Set<string>;
}

export type Verification = { ok: true; verificationGuard: number; cached: boolean } | { ok: false; errorCode: FailureCode };

const MAX_CACHED_IDS = 10_000;

const verifiers = new WeakMap<Engine, Map<string, Verified>>();

function cacheOf(engine: Engine): Map<string, Verified> {
  let cache = verifiers.get(engine);
  if (cache === undefined) verifiers.set(engine, (cache = new Map()));
  return cache;
}

export interface BatchProducer {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

/** `fresh`: ignore what the cache says (a cached guard was refused by the partition). */
export async function verifyTransactionalBatch(engine: Engine, { transactionalId, producerId, producerEpoch }: BatchProducer, topic: string, partition: number, fresh = false): Promise<Verification> {
  const cache = cacheOf(engine);
  const key = `${partition}:${topic}`;
  const known = cache.get(transactionalId);
  if (!fresh && known !== undefined && known.producerId === producerId && known.producerEpoch === producerEpoch && known.partitions.has(key)) {
    return { ok: true, verificationGuard: known.verificationGuard, cached: true };
  }
  const read = await readTransaction(engine, transactionalId);
  if (!read.ok) return read;
  const t = read.state;
  if (t === null || t.producerId !== producerId) return { ok: false, errorCode: ErrorCodes.INVALID_PRODUCER_ID_MAPPING };
  if (t.producerEpoch !== producerEpoch) return { ok: false, errorCode: ErrorCodes.INVALID_PRODUCER_EPOCH };
  if (t.state !== "Ongoing" || !t.partitions.some((p) => sameTopicPartition(p, { topic, partition }))) return { ok: false, errorCode: ErrorCodes.INVALID_TXN_STATE };
  rememberTransaction(engine, transactionalId, t);
  return { ok: true, verificationGuard: t.verificationGuard, cached: false };
}

/**
 * Remembers an Ongoing transaction's partitions and guard as this broker stored or read them, so
 * that its batches need no read (AddPartitionsToTxn calls this: a new transaction's first batch
 * would otherwise carry the previous transaction's guard, be refused and be verified again).
 */
export function rememberTransaction(engine: Engine, transactionalId: string, t: Pick<TransactionState, "producerId" | "producerEpoch" | "verificationGuard" | "partitions">): void {
  const cache = cacheOf(engine);
  cache.delete(transactionalId);
  if (cache.size >= MAX_CACHED_IDS) cache.delete(cache.keys().next().value ?? "");
  const partitions = new Set(t.partitions.map((p) => `${p.partition}:${p.topic}`));
  cache.set(transactionalId, { producerId: t.producerId, producerEpoch: t.producerEpoch, verificationGuard: t.verificationGuard, partitions });
}
