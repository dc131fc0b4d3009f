// OffsetCommit (key 8), v0–9. A member must name its group's current generation (ILLEGAL_GENERATION,
// UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID otherwise; REBALANCE_IN_PROGRESS before it has its
// assignment) and the commit renews its session. Commits without a member (generation -1, empty
// member id: kcat, assign-style consumers) are accepted for groups with no members and create the
// group. The offsets of one request are stored atomically.
// v1 carries a commit timestamp per partition (-1: now). v2–4's retention time is ignored: offsets
// stay until their group or topic is deleted. Metadata longer than 4096 characters (Kafka's
// offset.metadata.max.bytes) is OFFSET_METADATA_TOO_LARGE; null metadata is stored as "".
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED for every partition; READ on
// each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (offsets/authorize.ts).

import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { offsetCommitCheck } from "../groups/membership.ts";
import { answerPartitions, checkOffsetPartitions, offsetKey } from "../groups/offset-partitions.ts";
import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { OffsetCommitApi, type OffsetCommitRequest, type OffsetCommitResponse } from "../protocol/generated/offset-commit.ts";
import { StorageError } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";
import { everyPartition, readableTopics } from "./offsets/authorize.ts";

export default defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  api: OffsetCommitApi,
  minVersion: 0,
  maxVersion: 9,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, topics: answerPartitions(request.topics, everyPartition(request.topics, ErrorCodes.GROUP_AUTHORIZATION_FAILED)) };
    }
    const now = Date.now();
    const { readable, refused } = readableTopics(ctx, request.topics);
    const { errors, accepted } = await checkOffsetPartitions(broker, readable, (p) => (apiVersion === 1 && p.commitTimestamp !== -1n ? Number(p.commitTimestamp) : now));
    for (const [key, errorCode] of refused) errors.set(key, errorCode);
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
      for (const o of accepted) errors.set(offsetKey(o.topic, o.partition), errorCode);
    }
    return { throttleTimeMs: 0, topics: answerPartitions(request.topics, errors) };
  },
});
