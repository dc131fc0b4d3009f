// Ending a transaction whose outcome is decided (PrepareCommit/PrepareAbort): a marker into every
// partition, on commit the pending offsets into their groups, then Complete*. Every step can be
// repeated, by this broker or another, so whoever finds a Prepare state left behind (a broker
// died mid-way) finishes it with the same outcome: no partition ever gets the other marker.

import type { Logger } from "../log.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import type { Engine } from "../storage/engine.ts";
import type { TransactionState } from "./state.ts";
import { type Applied, storageFailure, updateTransaction } from "./store.ts";

/** Kafka's coordinatorEpoch field of a marker: one coordinator incarnation here, storage decides. */
export const COORDINATOR_EPOCH = 0;

export type Completion = "completed" | "superseded";

/** Writes every marker of `prepared`; "superseded" when a newer coordinator decision exists. */
async function writeMarkers(engine: Engine, prepared: TransactionState, log: Logger): Promise<Completion | "failed"> {
  const commit = prepared.state === "PrepareCommit";
  const results = await Promise.all(
    prepared.partitions.map(({ topic, partition }) =>
      engine.writeTxnMarker(topic, partition, {
        producerId: prepared.producerId,
        producerEpoch: prepared.producerEpoch,
        commit,
        coordinatorEpoch: COORDINATOR_EPOCH,
        verificationGuard: prepared.verificationGuard,
      }),
    ),
  );
  let outcome: Completion | "failed" = "completed";
  results.forEach((r, i) => {
    // a partition of a deleted topic has nothing left to end
    if (r.errorCode === 0 || r.errorCode === ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) return;
    if (r.errorCode === ErrorCodes.INVALID_PRODUCER_EPOCH) {
      if (outcome === "completed") outcome = "superseded";
      return;
    }
    log.warn("transaction marker not written", { topic: prepared.partitions[i]?.topic, partition: prepared.partitions[i]?.partition, errorCode: r.errorCode });
    outcome = "failed";
  });
  return outcome;
}

function isSame(a: TransactionState, b: TransactionState): boolean {
  return a.state === b.state && a.producerId === b.producerId && a.producerEpoch === b.producerEpoch && a.verificationGuard === b.verificationGuard;
}

/**
 * Finishes `prepared` and records the outcome. When storage fails the answer is a retriable error
 * and the Prepare state stays for the next attempt or the sweep.
 */
export async function completeTransaction(engine: Engine, transactionalId: string, prepared: TransactionState, log: Logger): Promise<Applied<Completion>> {
  try {
    const markers = await writeMarkers(engine, prepared, log);
    if (markers === "failed") return { ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE };
    if (markers === "superseded") return { ok: true, reply: "superseded", state: null, version: null };
    if (prepared.state === "PrepareCommit") {
      for (const g of prepared.groups) if (g.offsets.length > 0) await engine.commitOffsets(g.groupId, g.offsets);
    }
  } catch (e) {
    return storageFailure(e);
  }
  return updateTransaction<Completion>(engine, transactionalId, (current, now) => {
    if (current === null || !isSame(current, prepared)) return { state: current, reply: "superseded" };
    const state = prepared.state === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort";
    return { state: { ...current, state, partitions: [], groups: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: now }, reply: "completed" };
  });
}
