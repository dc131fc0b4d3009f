// DeleteRecords (key 21), v0–2: raises each partition's logStartOffset to the offset asked for (-1:
// the high watermark) and answers it as lowWatermark; the records below are unreadable at once on
// every broker. Beyond the high watermark: OFFSET_OUT_OF_RANGE; a partition asked twice in one
// request: INVALID_REQUEST; an unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION — each for its
// partition only. Below the current logStartOffset nothing changes.
// Authorization: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (before
// whether it exists).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DeleteRecordsApi, type DeleteRecordsRequest, type DeleteRecordsResponse } from "../protocol/generated/delete-records.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type PartitionResult = DeleteRecordsResponse["topics"][number]["partitions"][number];

export default defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  api: DeleteRecordsApi,
  minVersion: 0,
  maxVersion: 2,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        if (!allowed(ctx, AclOperation.DELETE, ResourceType.TOPIC, t.name)) {
          return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCodes.TOPIC_AUTHORIZATION_FAILED })) };
        }
        const seen = new Set<number>();
        const asked = t.partitions.filter((p) => !seen.has(p.partitionIndex) && seen.add(p.partitionIndex));
        const twice = new Set(t.partitions.filter((p) => !asked.includes(p)).map((p) => p.partitionIndex));
        const partitions = await Promise.all(
          t.partitions.map(async ({ partitionIndex, offset }): Promise<PartitionResult> => {
            const failed = (errorCode: number) => ({ partitionIndex, lowWatermark: -1n, errorCode });
            if (twice.has(partitionIndex)) return failed(ErrorCodes.INVALID_REQUEST);
            try {
              const r = await broker.engine.deleteRecords(t.name, partitionIndex, Number(offset));
              return r.errorCode === 0 ? { partitionIndex, lowWatermark: BigInt(r.logStartOffset), errorCode: ErrorCodes.NONE } : failed(r.errorCode);
            } catch (e) {
              return failed(storageErrorCode(e));
            }
          }),
        );
        return { name: t.name, partitions };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
