// Metadata (key 3), v0–12. This broker is the only broker, the controller and the leader of
// every partition (stateless brokers over shared storage; see broker.ts).
// v0: an empty topic list means all topics; v1+: null means all, empty means none.
// Unknown topics are created when the request allows it (v4+ flag; always for v0–3) and
// auto.create.topics.enable is on. v10+ may name topics by id.
// Authorization, as Kafka's: DESCRIBE on a topic, else a topic asked for by name answers
// TOPIC_AUTHORIZATION_FAILED whether or not it exists (by id: with its id, name null) and one listed
// by "all topics" is left out; creating an unknown topic needs CREATE on the cluster or the topic
// (TOPIC_AUTHORIZATION_FAILED otherwise). Authorized operations (v8+) are the sender's; the
// cluster's need DESCRIBE on the cluster (0 otherwise).

import { NOT_REQUESTED, authorizedOperations, clusterOperations } from "../auth/acl-operations.ts";
import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { MetadataApi, type MetadataRequest, type MetadataResponse } from "../protocol/generated/metadata.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { autoCreateTopic } from "../topics/auto-create.ts";
import { topicNameProblem } from "../topics/names.ts";
import { defineHandler, type RequestContext } from "./handler.ts";

type TopicMetadata = MetadataResponse["topics"][number];

const describable = (ctx: RequestContext, name: string) => allowed(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name);

const creatable = (ctx: RequestContext, name: string) =>
  allowed(ctx, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME) || allowed(ctx, AclOperation.CREATE, ResourceType.TOPIC, name);

function describe(broker: Broker, topic: TopicInfo, authorizedOperations: number): TopicMetadata {
  const nodeId = broker.config.nodeId;
  return {
    errorCode: ErrorCodes.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    partitions: Array.from({ length: topic.partitionCount }, (_, partitionIndex) => ({
      errorCode: ErrorCodes.NONE,
      partitionIndex,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: authorizedOperations,
  };
}

function failed(name: string | null, topicId: string, errorCode: number): TopicMetadata {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
}

async function lookup(ctx: RequestContext, name: string, autoCreate: boolean, ops: number): Promise<TopicMetadata> {
  const { broker } = ctx;
  if (!describable(ctx, name)) return failed(name, ZERO_UUID, ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
  if (topicNameProblem(name) !== null) return failed(name, ZERO_UUID, ErrorCodes.INVALID_TOPIC_EXCEPTION);
  let topic = await broker.engine.getTopic(name);
  if (topic === null && autoCreate) {
    if (!creatable(ctx, name)) return failed(name, ZERO_UUID, ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    topic = await autoCreateTopic(broker, name);
  }
  return topic === null ? failed(name, ZERO_UUID, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) : describe(broker, topic, ops);
}

export default defineHandler<MetadataRequest, MetadataResponse>({
  api: MetadataApi,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const { broker, apiVersion, listener } = ctx;
    const ops = (name: string) => (request.includeTopicAuthorizedOperations ? authorizedOperations(ctx, ResourceType.TOPIC, name) : NOT_REQUESTED);
    const all = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const autoCreate = broker.config.autoCreateTopicsEnable && (apiVersion < 4 || request.allowAutoTopicCreation);
    let topics: TopicMetadata[];
    if (all) {
      topics = (await broker.engine.listTopics()).filter((t) => describable(ctx, t.name)).map((t) => describe(broker, t, ops(t.name)));
    } else {
      topics = await Promise.all(
        (request.topics ?? []).map(async (t) => {
          if (t.name !== null) return lookup(ctx, t.name, autoCreate, ops(t.name));
          // topic ids name topics only from v12 (Kafka refuses them before, and the answer's name cannot be null)
          if (apiVersion < 12) return failed("", t.topicId, ErrorCodes.INVALID_REQUEST);
          const byId = await broker.engine.getTopicById(t.topicId);
          if (byId === null) return failed(null, t.topicId, ErrorCodes.UNKNOWN_TOPIC_ID);
          return describable(ctx, byId.name) ? describe(broker, byId, ops(byId.name)) : failed(null, t.topicId, ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
        }),
      );
    }
    const { host, port } = (listener ?? broker).advertised;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.config.nodeId, host, port, rack: null }],
      clusterId: broker.config.clusterId,
      controllerId: broker.config.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? clusterOperations(ctx) : NOT_REQUESTED,
    };
  },
});
