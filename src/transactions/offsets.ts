// TxnOffsetCommit: a consumer group's offsets held in the transaction until it ends. They reach
// the group (OffsetFetch) only when the transaction commits (complete.ts); an abort drops them.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import type { CommittedOffset } from "../storage/engine.ts";
import type { TransactionContext } from "./context.ts";
import { checkProducer } from "./producer.ts";
import { updateSettled } from "./settle.ts";
import { isPreparing, sameTopicPartition, type TransactionState } from "./state.ts";

function hold(current: TransactionState, groupId: string, offsets: readonly CommittedOffset[], now: number): TransactionState {
  const groups = current.groups.map((g) => {
    if (g.groupId !== groupId) return g;
    const kept = g.offsets.filter((o) => !offsets.some((n) => sameTopicPartition(o, n)));
    return { groupId, offsets: [...kept, ...offsets] };
  });
  return { ...current, groups, txnLastUpdateTimestamp: now };
}

/** Holds `offsets` for `groupId` in the producer's transaction; the group must have been added by AddOffsetsToTxn. */
export function holdTxnOffsets(ctx: TransactionContext, transactionalId: string, producerId: number, producerEpoch: number, groupId: string, offsets: readonly CommittedOffset[]): Promise<FailureCode | 0> {
  return updateSettled(ctx, transactionalId, (current, now) => {
    const invalid = checkProducer(current, producerId, producerEpoch);
    if (invalid !== null || current === null) return { state: current, errorCode: invalid ?? ErrorCodes.INVALID_PRODUCER_ID_MAPPING };
    if (current.state !== "Ongoing" || !current.groups.some((g) => g.groupId === groupId)) return { state: current, errorCode: ErrorCodes.INVALID_TXN_STATE };
    return { state: hold(current, groupId, offsets, now), errorCode: 0 };
  });
}

/** Partitions of `groupId` with offsets held by a transaction not yet complete (OffsetFetch requireStable). */
export function pendingPartitions(states: readonly TransactionState[], groupId: string): CommittedOffset[] {
  return states.filter((t) => t.state === "Ongoing" || isPreparing(t)).flatMap((t) => t.groups.filter((g) => g.groupId === groupId).flatMap((g) => g.offsets));
}
