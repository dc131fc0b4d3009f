// AddPartitionsToTxn and AddOffsetsToTxn: the first one of a transaction begins it (Ongoing, a new
// verificationGuard, the timeout clock starts); later ones add to it.

import { ErrorCodes, type FailureCode } from "../protocol/errors.ts";
import type { TopicPartition } from "../storage/engine.ts";
import type { TransactionContext } from "./context.ts";
import { checkProducer } from "./producer.ts";
import { updateSettled } from "./settle.ts";
import { rememberTransaction } from "./verify.ts";
import { canBegin, sameTopicPartition, type TransactionState } from "./state.ts";

export interface Additions {
  partitions: readonly TopicPartition[];
  groupId: string | null;
}

function add(current: TransactionState, additions: Additions, now: number): TransactionState {
  const begins = canBegin(current);
  const base: TransactionState = begins
    ? { ...current, state: "Ongoing", partitions: [], groups: [], txnStartTimestamp: now, verificationGuard: current.verificationGuard + 1 }
    : { ...current };
  const partitions = [...base.partitions];
  for (const p of additions.partitions) if (!partitions.some((q) => sameTopicPartition(p, q))) partitions.push({ topic: p.topic, partition: p.partition });
  const groups = [...base.groups];
  if (additions.groupId !== null && !groups.some((g) => g.groupId === additions.groupId)) groups.push({ groupId: additions.groupId, offsets: [] });
  return { ...base, partitions, groups, txnLastUpdateTimestamp: now };
}

function isAlreadyIn(current: TransactionState, additions: Additions): boolean {
  return (
    additions.partitions.every((p) => current.partitions.some((q) => sameTopicPartition(p, q))) &&
    (additions.groupId === null || current.groups.some((g) => g.groupId === additions.groupId))
  );
}

/** Adds to the producer's transaction; answers one error code for the whole request. */
export async function addToTransaction(ctx: TransactionContext, transactionalId: string, producerId: number, producerEpoch: number, additions: Additions): Promise<FailureCode | 0> {
  // the state of the updater's last call is the one stored
  let added: TransactionState | null = null;
  const errorCode = await updateSettled(ctx, transactionalId, (current, now) => {
    const invalid = checkProducer(current, producerId, producerEpoch);
    added = null;
    if (invalid !== null || current === null) return { state: current, errorCode: invalid ?? ErrorCodes.INVALID_PRODUCER_ID_MAPPING };
    added = current.state === "Ongoing" && isAlreadyIn(current, additions) ? current : add(current, additions, now);
    return { state: added, errorCode: 0 };
  });
  if (errorCode === 0 && added !== null) rememberTransaction(ctx.engine, transactionalId, added);
  return errorCode;
}
