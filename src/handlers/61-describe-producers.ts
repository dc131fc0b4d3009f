// DescribeProducers (key 61), v0: each partition's producers with their epoch, last sequence and
// open transaction's first offset, so admin tools can find a hanging transaction. lastTimestamp is
// -1: engines do not keep it.
// Authorization: READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (before
// whether it exists).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeProducersApi, type DescribeProducersRequest, type DescribeProducersResponse } from "../protocol/generated/describe-producers.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type PartitionResponse = DescribeProducersResponse["topics"][number]["partitions"][number];

export default defineHandler<DescribeProducersRequest, DescribeProducersResponse>({
  api: DescribeProducersApi,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const { broker } = ctx;
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitionIndexes.map(async (partitionIndex): Promise<PartitionResponse> => {
            const failed = (errorCode: number) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] });
            if (!allowed(ctx, AclOperation.READ, ResourceType.TOPIC, t.name)) return failed(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
            try {
              const r = await broker.engine.describeProducers(t.name, partitionIndex);
              if (r.errorCode !== 0) return failed(r.errorCode);
              const activeProducers = r.producers.map((p) => ({
                producerId: BigInt(p.producerId),
                producerEpoch: p.producerEpoch,
                lastSequence: p.lastSequence,
                lastTimestamp: BigInt(p.lastTimestamp),
                coordinatorEpoch: p.coordinatorEpoch,
                currentTxnStartOffset: BigInt(p.currentTxnStartOffset),
              }));
              return { partitionIndex, errorCode: ErrorCodes.NONE, errorMessage: null, activeProducers };
            } catch (e) {
              return failed(storageErrorCode(e));
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
