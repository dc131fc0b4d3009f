// Metadata (key 3), v0–12. This broker is the only broker, the controller and the leader of
// every partition (stateless brokers over shared storage; see broker.ts).
// v0: an empty topic list means all topics; v1+: null means all, empty means none.
// Unknown topics are created when the request allows it (v4+ flag; always for v0–3) and
// auto.create.topics.enable is on. v10+ may name topics by id.

import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { MetadataApi, type MetadataRequest, type MetadataResponse } from "../protocol/generated/index.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { autoCreateTopic } from "../topics/auto-create.ts";
import { topicNameProblem } from "../topics/names.ts";
import { defineHandler } from "./handler.ts";

type TopicMetadata = MetadataResponse["topics"][number];

/** Kafka's "authorized operations not requested" value. */
const NOT_REQUESTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (no ACLs yet: all allowed). */
const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

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

async function lookup(broker: Broker, name: string, autoCreate: boolean, ops: number): Promise<TopicMetadata> {
  if (topicNameProblem(name) !== null) return failed(name, ZERO_UUID, ErrorCodes.INVALID_TOPIC_EXCEPTION);
  let topic = await broker.engine.getTopic(name);
  if (topic === null && autoCreate) topic = await autoCreateTopic(broker, name);
  return topic === null ? failed(name, ZERO_UUID, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) : describe(broker, topic, ops);
}

export default defineHandler<MetadataRequest, MetadataResponse>({
  api: MetadataApi,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, { broker, apiVersion }) {
    const ops = request.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : NOT_REQUESTED;
    const all = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const autoCreate = broker.config.autoCreateTopicsEnable && (apiVersion < 4 || request.allowAutoTopicCreation);
    let topics: TopicMetadata[];
    if (all) {
      topics = (await broker.engine.listTopics()).map((t) => describe(broker, t, ops));
    } else {
      topics = await Promise.all(
        (request.topics ?? []).map(async (t) => {
          if (t.name !== null) return lookup(broker, t.name, autoCreate, ops);
          // topic ids name topics only from v12 (Kafka refuses them before, and the answer's name cannot be null)
          if (apiVersion < 12) return failed("", t.topicId, ErrorCodes.INVALID_REQUEST);
          const byId = await broker.engine.getTopicById(t.topicId);
          return byId === null ? failed(null, t.topicId, ErrorCodes.UNKNOWN_TOPIC_ID) : describe(broker, byId, ops);
        }),
      );
    }
    const { host, port } = broker.advertised;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.config.nodeId, host, port, rack: null }],
      clusterId: broker.config.clusterId,
      controllerId: broker.config.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
  },
});
