// CreateTopics (key 19), v0–7. numPartitions -1 takes num.partitions and replicationFactor -1
// default.replication.factor. Any replication factor >= 1 is accepted and reported as asked:
// storage, not replicas, provides durability (Kafka refuses one above its broker count).
// validateOnly checks everything and creates nothing (its topicId is then the zero UUID).
// v5+ results carry the partition count, replication factor and every effective config.
// A manual replica assignment of one replica per partition is accepted whatever the broker id
// (every broker leads every partition); more replicas is INVALID_REPLICATION_FACTOR, as on a
// one-broker Kafka (topics/replica-assignment.ts).
// Authorization, as Kafka's: CREATE on the cluster, or on each topic, else that topic answers
// TOPIC_AUTHORIZATION_FAILED (before its name or existence is checked); a created topic the sender
// may not DESCRIBE_CONFIGS comes back without configs, partition count or replication factor and
// with topicConfigErrorCode TOPIC_AUTHORIZATION_FAILED.
// Deviation: no check for names colliding on '.' versus '_' (Kafka's is for its metric names).

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes, errorName } from "../protocol/errors.ts";
import { CreateTopicsApi, type CreateTopicsRequest, type CreateTopicsRequestCreatableTopic, type CreateTopicsResponse, type CreateTopicsResponseCreatableTopicResult } from "../protocol/generated/create-topics.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { TopicSpec } from "../storage/engine.ts";
import { topicConfigEntries } from "../topics/config-entries.ts";
import { validateTopicConfig } from "../topics/configs.ts";
import { MAX_NEW_PARTITIONS, tooManyPartitions } from "../topics/limits.ts";
import { checkReplicaAssignment } from "../topics/replica-assignment.ts";
import { topicNameProblem } from "../topics/names.ts";
import { defineHandler, type RequestContext } from "./handler.ts";

type Result = CreateTopicsResponseCreatableTopicResult;

function failure(name: string, errorCode: number, errorMessage: string): Result {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [] };
}

function success(ctx: RequestContext, spec: TopicSpec, topicId: string): Result {
  const { broker } = ctx;
  if (!allowed(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, spec.name)) {
    return { name: spec.name, topicId, errorCode: ErrorCodes.NONE, errorMessage: null, topicConfigErrorCode: ErrorCodes.TOPIC_AUTHORIZATION_FAILED, numPartitions: -1, replicationFactor: -1, configs: [] };
  }
  return {
    name: spec.name,
    topicId,
    errorCode: ErrorCodes.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCodes.NONE,
    numPartitions: spec.partitionCount,
    replicationFactor: spec.replicationFactor,
    configs: topicConfigEntries(broker.config, spec.configs).map((e) => ({
      name: e.name,
      value: e.isSensitive ? null : e.value,
      readOnly: e.readOnly,
      configSource: e.source,
      isSensitive: e.isSensitive,
    })),
  };
}

/** The topic to create, or why it cannot be (in Kafka's order of checks after name and existence). */
function check(broker: Broker, t: CreateTopicsRequestCreatableTopic): TopicSpec | Result {
  const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) return failure(t.name, ErrorCodes.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(",")}`);
  const configs: Record<string, string> = {};
  for (const { name, value } of t.configs) {
    if (value === null) continue;
    const problem = validateTopicConfig(name, value);
    if (problem !== null) return failure(t.name, ErrorCodes.INVALID_CONFIG, problem);
    configs[name] = value;
  }
  if (t.assignments.length > 0) {
    const assigned = checkReplicaAssignment(t.assignments, t.numPartitions, t.replicationFactor);
    if (!assigned.ok) return failure(t.name, assigned.errorCode, assigned.errorMessage);
    return { name: t.name, partitionCount: assigned.partitionCount, replicationFactor: 1, configs };
  }
  if (t.replicationFactor === 0 || t.replicationFactor < -1) {
    return failure(t.name, ErrorCodes.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0, or -1 to use the default value.");
  }
  if (t.numPartitions === 0 || t.numPartitions < -1) {
    return failure(t.name, ErrorCodes.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
  }
  if (t.numPartitions > MAX_NEW_PARTITIONS) return failure(t.name, ErrorCodes.POLICY_VIOLATION, tooManyPartitions(t.numPartitions));
  const { numPartitions, defaultReplicationFactor } = broker.config;
  return {
    name: t.name,
    partitionCount: t.numPartitions === -1 ? numPartitions : t.numPartitions,
    replicationFactor: t.replicationFactor === -1 ? defaultReplicationFactor : t.replicationFactor,
    configs,
  };
}

async function create(ctx: RequestContext, t: CreateTopicsRequestCreatableTopic, validateOnly: boolean, mayCreate: boolean): Promise<Result> {
  const { broker } = ctx;
  if (!mayCreate && !allowed(ctx, AclOperation.CREATE, ResourceType.TOPIC, t.name)) return failure(t.name, ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Authorization failed.");
  const nameProblem = topicNameProblem(t.name);
  if (nameProblem !== null) return failure(t.name, ErrorCodes.INVALID_TOPIC_EXCEPTION, nameProblem);
  const exists = `Topic '${t.name}' already exists.`;
  if ((await broker.engine.getTopic(t.name)) !== null) return failure(t.name, ErrorCodes.TOPIC_ALREADY_EXISTS, exists);
  const spec = check(broker, t);
  if ("errorCode" in spec) return spec;
  if (validateOnly) return success(ctx, spec, ZERO_UUID);
  const created = await broker.engine.createTopic(spec);
  if (created.errorCode !== ErrorCodes.NONE) {
    return failure(t.name, created.errorCode, created.errorCode === ErrorCodes.TOPIC_ALREADY_EXISTS ? exists : errorName(created.errorCode));
  }
  broker.log.info("created topic", { topic: t.name, partitions: spec.partitionCount });
  return success(ctx, spec, created.topic.topicId);
}

export default defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
  api: CreateTopicsApi,
  minVersion: 0,
  maxVersion: 7,
  ordered: true,
  async handle(request, ctx) {
    const mayCreate = allowed(ctx, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME);
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const answered = new Set<string>();
    const pending: Promise<Result>[] = [];
    for (const t of request.topics) {
      if (answered.has(t.name)) continue;
      answered.add(t.name);
      const duplicate = (counts.get(t.name) ?? 0) > 1;
      pending.push(duplicate ? Promise.resolve(failure(t.name, ErrorCodes.INVALID_REQUEST, "Duplicate topic name.")) : create(ctx, t, request.validateOnly, mayCreate));
    }
    return { throttleTimeMs: 0, topics: await Promise.all(pending) };
  },
});
