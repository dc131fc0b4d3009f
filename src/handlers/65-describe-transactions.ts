// DescribeTransactions (key 65), v0: a transactional id's state, producer, timeout, start time and
// partitions; an id never seen (or expired) is TRANSACTIONAL_ID_NOT_FOUND.
// Authorization: DESCRIBE on each transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED; the
// partitions shown are only those of topics the sender may DESCRIBE, as in Kafka.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeTransactionsApi, type DescribeTransactionsRequest, type DescribeTransactionsResponse } from "../protocol/generated/describe-transactions.ts";
import type { TransactionState } from "../transactions/state.ts";
import { readTransaction } from "../transactions/store.ts";
import { defineHandler } from "./handler.ts";

type Described = DescribeTransactionsResponse["transactionStates"][number];

function describe(transactionalId: string, t: TransactionState, describable: (topic: string) => boolean): Described {
  const topics = new Map<string, number[]>();
  for (const p of t.partitions) if (describable(p.topic)) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
  return {
    errorCode: ErrorCodes.NONE,
    transactionalId,
    transactionState: t.state,
    transactionTimeoutMs: t.transactionTimeoutMs,
    transactionStartTimeMs: BigInt(t.txnStartTimestamp),
    producerId: BigInt(t.producerId),
    producerEpoch: t.producerEpoch,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

export default defineHandler<DescribeTransactionsRequest, DescribeTransactionsResponse>({
  api: DescribeTransactionsApi,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const { broker } = ctx;
    const describable = (topic: string) => allowed(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
    const transactionStates = await Promise.all(
      request.transactionalIds.map(async (transactionalId): Promise<Described> => {
        const failed = (errorCode: number): Described => ({ errorCode, transactionalId, transactionState: "", transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] });
        if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId)) return failed(ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const read = await readTransaction(broker.engine, transactionalId);
        if (read.ok && read.state !== null) return describe(transactionalId, read.state, describable);
        return failed(read.ok ? ErrorCodes.TRANSACTIONAL_ID_NOT_FOUND : read.errorCode);
      }),
    );
    return { throttleTimeMs: 0, transactionStates };
  },
});
