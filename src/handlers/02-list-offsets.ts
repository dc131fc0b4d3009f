// ListOffsets (key 2), v1–9. Special timestamps: -1 latest (highWatermark; the lastStableOffset
// under isolationLevel READ_COMMITTED, v2+), -2 earliest (logStartOffset),
// -3 max timestamp (v7+, KIP-734), -4 earliest local (v8+; no tiered storage: same as earliest),
// -5 latest tiered (v9+; no tiered storage: offset -1). A timestamp with no record at or after it
// answers offset -1 and timestamp -1 without error, as Kafka does; so does one whose record is at or
// past the lastStableOffset under READ_COMMITTED.
// Authorization: DESCRIBE on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (before
// whether it exists).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { ListOffsetsApi, type ListOffsetsRequest, type ListOffsetsResponse } from "../protocol/generated/list-offsets.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";
import { type FoundOffset, offsetAtOrAfter, offsetOfMaxTimestamp } from "./list-offsets/by-timestamp.ts";
import { storageErrorCode } from "./storage-errors.ts";

type PartitionResponse = ListOffsetsResponse["topics"][number]["partitions"][number];

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

function answer(partitionIndex: number, errorCode: number, found: FoundOffset | null): PartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: BigInt(found?.timestamp ?? -1), offset: BigInt(found?.offset ?? -1), leaderEpoch: found === null ? -1 : 0 };
}

const READ_COMMITTED = 1;

async function listOffset(broker: Broker, topic: TopicInfo | null, partitionIndex: number, timestamp: number, readCommitted: boolean): Promise<PartitionResponse> {
  if (topic === null || partitionIndex < 0 || partitionIndex >= topic.partitionCount) return answer(partitionIndex, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, null);
  const { engine } = broker;
  try {
    if (timestamp === LATEST_TIERED) return answer(partitionIndex, ErrorCodes.NONE, null);
    if (timestamp < 0 && timestamp !== LATEST && timestamp !== EARLIEST && timestamp !== EARLIEST_LOCAL && timestamp !== MAX_TIMESTAMP) return answer(partitionIndex, ErrorCodes.INVALID_REQUEST, null);
    const o = await engine.offsets(topic.name, partitionIndex);
    if (!("highWatermark" in o)) return answer(partitionIndex, o.errorCode, null);
    const fetchable = readCommitted ? o.lastStableOffset : o.highWatermark;
    if (timestamp === LATEST) return answer(partitionIndex, ErrorCodes.NONE, { offset: fetchable, timestamp: -1 });
    if (timestamp === EARLIEST || timestamp === EARLIEST_LOCAL) return answer(partitionIndex, ErrorCodes.NONE, { offset: o.logStartOffset, timestamp: -1 });
    const found = timestamp === MAX_TIMESTAMP ? await offsetOfMaxTimestamp(engine, topic.name, partitionIndex) : await offsetAtOrAfter(engine, topic.name, partitionIndex, timestamp);
    return answer(partitionIndex, ErrorCodes.NONE, found !== null && found.offset < fetchable ? found : null);
  } catch (e) {
    return answer(partitionIndex, storageErrorCode(e), null);
  }
}

export default defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  api: ListOffsetsApi,
  minVersion: 1,
  maxVersion: 9,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    const readCommitted = apiVersion >= 2 && request.isolationLevel === READ_COMMITTED;
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name)) {
          return { name: t.name, partitions: t.partitions.map((p) => answer(p.partitionIndex, ErrorCodes.TOPIC_AUTHORIZATION_FAILED, null)) };
        }
        const topic = await broker.engine.getTopic(t.name);
        const seen = new Set<number>();
        const partitions = await Promise.all(
          t.partitions.map((p) => {
            // a partition asked twice in one request is INVALID_REQUEST, as in Kafka
            if (seen.has(p.partitionIndex)) return answer(p.partitionIndex, ErrorCodes.INVALID_REQUEST, null);
            seen.add(p.partitionIndex);
            return listOffset(broker, topic, p.partitionIndex, Number(p.timestamp), readCommitted);
          }),
        );
        return { name: t.name, partitions };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
