// OffsetCommit (key 8), v0–9. A member must name its group's current generation (ILLEGAL_GENERATION,
// UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID otherwise; REBALANCE_IN_PROGRESS before it has its
// assignment) and the commit renews its session. Commits without a member (generation -1, empty
// member id: kcat, assign-style consumers) are accepted for groups with no members and create the
// group. The offsets of one request are stored atomically.
// v1 carries a commit timestamp per partition (-1: now). v2–4's retention time is ignored: offsets
// stay until their group or topic is deleted. Metadata longer than 4096 characters (Kafka's
// offset.metadata.max.bytes) is OFFSET_METADATA_TOO_LARGE; null metadata is stored as "".

import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { offsetCommitCheck } from "../groups/membership.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { OffsetCommitApi, type OffsetCommitRequest, type OffsetCommitResponse } from "../protocol/generated/index.ts";
import { type CommittedOffset, StorageError } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

const MAX_METADATA_LENGTH = 4096;

export default defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  api: OffsetCommitApi,
  minVersion: 0,
  maxVersion: 9,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const now = Date.now();
    const errors = new Map<string, number>();
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const accepted: CommittedOffset[] = [];
    for (const t of request.topics) {
      const topic = await broker.engine.getTopic(t.name);
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? "";
        if (topic === null || p.partitionIndex < 0 || p.partitionIndex >= topic.partitionCount) errors.set(key(t.name, p.partitionIndex), ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
        else if (metadata.length > MAX_METADATA_LENGTH) errors.set(key(t.name, p.partitionIndex), ErrorCodes.OFFSET_METADATA_TOO_LARGE);
        else {
          const commitTimestamp = apiVersion === 1 && p.commitTimestamp !== -1n ? Number(p.commitTimestamp) : now;
          accepted.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp });
        }
      }
    }
    if (accepted.length > 0) {
      const config = groupConfig(broker.config);
      const member = { memberId: request.memberId, groupInstanceId: request.groupInstanceId, generationId: request.generationIdOrMemberEpoch };
      const check = await updateGroup(broker.engine, request.groupId, (group, at) => offsetCommitCheck(group, member, at, config));
      let errorCode = check.ok ? check.reply : check.errorCode;
      if (errorCode === ErrorCodes.NONE) {
        try {
          await broker.engine.commitOffsets(request.groupId, accepted);
        } catch (e) {
          if (!(e instanceof StorageError)) throw e;
          errorCode = ErrorCodes.COORDINATOR_NOT_AVAILABLE;
        }
      }
      for (const o of accepted) errors.set(key(o.topic, o.partition), errorCode);
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCodes.NONE })),
      })),
    };
  },
});
