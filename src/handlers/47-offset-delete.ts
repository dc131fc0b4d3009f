// OffsetDelete (key 47), v0: removes a group's committed offsets of some partitions: any of a group
// with no members; of a consumer group with members, only those of topics no member subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); a group of another protocol type with members answers
// NON_EMPTY_GROUP. A group that does not exist is GROUP_ID_NOT_FOUND.
// Authorization: DELETE on the group, else GROUP_AUTHORIZATION_FAILED; READ on each topic, else
// TOPIC_AUTHORIZATION_FAILED for its partitions (before whether it exists).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, readGroup } from "../groups/coordinator.ts";
import { subscribedTopics } from "../groups/describe.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { OffsetDeleteApi, type OffsetDeleteRequest, type OffsetDeleteResponse } from "../protocol/generated/offset-delete.ts";
import { StorageError, type TopicPartition } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  api: OffsetDeleteApi,
  minVersion: 0,
  maxVersion: 0,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const failed = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (!allowed(ctx, AclOperation.DELETE, ResourceType.GROUP, request.groupId)) return failed(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId === "") return failed(ErrorCodes.INVALID_GROUP_ID);
    const read = await readGroup(broker.engine, request.groupId, groupConfig(broker.config));
    if (!read.ok) return failed(read.errorCode);
    const { group } = read;
    if (group === null) return failed(ErrorCodes.GROUP_ID_NOT_FOUND);
    const empty = group.state === "Empty";
    if (!empty && group.protocolType !== "consumer") return failed(ErrorCodes.NON_EMPTY_GROUP);
    const subscribed = empty ? new Set<string>() : subscribedTopics(group);
    const errors = new Map<string, number>();
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const deletable: TopicPartition[] = [];
    for (const t of request.topics) {
      if (!allowed(ctx, AclOperation.READ, ResourceType.TOPIC, t.name)) {
        for (const p of t.partitions) errors.set(key(t.name, p.partitionIndex), ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
        continue;
      }
      const topic = await broker.engine.getTopic(t.name);
      for (const { partitionIndex: partition } of t.partitions) {
        if (topic === null || partition < 0 || partition >= topic.partitionCount) errors.set(key(t.name, partition), ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
        else if (subscribed === null || subscribed.has(t.name)) errors.set(key(t.name, partition), ErrorCodes.GROUP_SUBSCRIBED_TO_TOPIC);
        else deletable.push({ topic: t.name, partition });
      }
    }
    try {
      if (deletable.length > 0) await broker.engine.deleteOffsets(request.groupId, deletable);
    } catch (e) {
      if (!(e instanceof StorageError)) throw e;
      return failed(ErrorCodes.COORDINATOR_NOT_AVAILABLE);
    }
    return {
      errorCode: ErrorCodes.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCodes.NONE })),
      })),
    };
  },
});
