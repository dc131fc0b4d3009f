// Authorization of the admin APIs, as Kafka's: CreateTopics, DeleteTopics, CreatePartitions, the
// config APIs, the client quota APIs and DescribeCluster, for User:alice with and without the ACLs
// each needs (real handlers, the ACL authorizer, a memory engine).

import { describe, expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  AlterClientQuotasApi,
  AlterConfigsApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  DescribeClientQuotasApi,
  DescribeClusterApi,
  DescribeConfigsApi,
  IncrementalAlterConfigsApi,
  defaultCreateTopicsRequestCreatableTopic,
  defaultDeleteTopicsRequest,
} from "../../src/protocol/generated/index.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { ALICE, type AclBroker, aclBroker, grant } from "./acl-broker.ts";
import { call } from "./broker.ts";

const { TOPIC, CLUSTER } = ResourceType;
const { CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS } = AclOperation;
const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;

async function withTopics(...names: string[]): Promise<AclBroker> {
  const broker = await aclBroker();
  for (const name of names) await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
  return broker;
}

describe("topics", () => {
  const createTopics = (broker: AclBroker, names: string[]) =>
    call(broker, CreateTopicsApi, 7, { topics: names.map((name) => ({ ...defaultCreateTopicsRequestCreatableTopic(), name, numPartitions: 2, replicationFactor: 1 })), timeoutMs: 1000, validateOnly: false }, undefined, ALICE);

  test("CreateTopics needs CREATE on the cluster or the topic, checked before the name or existence", async () => {
    const broker = await withTopics("exists");
    await grant(broker, { resourceType: TOPIC, resourceName: "mine", operation: CREATE }, { resourceType: TOPIC, resourceName: "mine", operation: DESCRIBE_CONFIGS });
    const r = await createTopics(broker, ["mine", "theirs", "exists", "bad name"]);
    expect(r.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
      ["mine", ErrorCodes.NONE, null],
      ["theirs", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Authorization failed."],
      ["exists", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Authorization failed."],
      ["bad name", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Authorization failed."],
    ]);
    await grant(broker, { resourceType: CLUSTER, operation: CREATE });
    const again = await createTopics(broker, ["theirs", "exists"]);
    expect(again.topics.map((t) => t.errorCode)).toEqual([ErrorCodes.NONE, ErrorCodes.TOPIC_ALREADY_EXISTS]);
  });

  test("a created topic the sender may not DESCRIBE_CONFIGS comes back without its configs", async () => {
    const broker = await withTopics();
    await grant(broker, { resourceType: CLUSTER, operation: CREATE }, { resourceType: TOPIC, resourceName: "seen", operation: ALTER_CONFIGS });
    const r = await createTopics(broker, ["seen", "unseen"]);
    const [seen, unseen] = r.topics;
    expect([seen?.errorCode, seen?.topicConfigErrorCode, seen?.numPartitions, (seen?.configs?.length ?? 0) > 0]).toEqual([ErrorCodes.NONE, ErrorCodes.NONE, 2, true]);
    expect([unseen?.errorCode, unseen?.topicConfigErrorCode, unseen?.numPartitions, unseen?.replicationFactor, unseen?.configs]).toEqual([ErrorCodes.NONE, ErrorCodes.TOPIC_AUTHORIZATION_FAILED, -1, -1, []]);
    expect((await broker.engine.getTopic("unseen"))?.partitionCount).toBe(2);
  });

  test("DeleteTopics: undescribable names are refused whether or not they exist; DELETE on the cluster allows all", async () => {
    const broker = await withTopics("mine", "described", "secret");
    const secretId = (await broker.engine.getTopic("secret"))!.topicId;
    const describedId = (await broker.engine.getTopic("described"))!.topicId;
    await grant(broker, { resourceType: TOPIC, resourceName: "mine", operation: DELETE }, { resourceType: TOPIC, resourceName: "described", operation: DESCRIBE }, { resourceType: TOPIC, resourceName: "ghost", operation: DESCRIBE });
    const byName = await call(broker, DeleteTopicsApi, 5, { ...defaultDeleteTopicsRequest(), topicNames: ["mine", "described", "secret", "nothing", "ghost"], timeoutMs: 1000 }, undefined, ALICE);
    expect(byName.responses.map((t) => [t.name, t.errorCode])).toEqual([
      ["mine", ErrorCodes.NONE],
      ["described", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["nothing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["ghost", ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    const byId = await call(broker, DeleteTopicsApi, 6, { ...defaultDeleteTopicsRequest(), topics: [{ name: null, topicId: secretId }, { name: null, topicId: describedId }], timeoutMs: 1000 }, undefined, ALICE);
    expect(byId.responses.map((t) => [t.name, t.topicId, t.errorCode])).toEqual([
      [null, secretId, ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["described", describedId, ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
    await grant(broker, { resourceType: CLUSTER, operation: DELETE });
    const all = await call(broker, DeleteTopicsApi, 6, { ...defaultDeleteTopicsRequest(), topics: [{ name: "secret", topicId: ZERO_UUID }, { name: null, topicId: describedId }], timeoutMs: 1000 }, undefined, ALICE);
    expect(all.responses.map((t) => t.errorCode)).toEqual([ErrorCodes.NONE, ErrorCodes.NONE]);
    expect(await broker.engine.listTopics()).toEqual([]);
  });

  test("CreatePartitions needs ALTER on the topic, after the duplicate check and before existence", async () => {
    const broker = await withTopics("mine", "theirs");
    await grant(broker, { resourceType: TOPIC, resourceName: "mine", operation: ALTER });
    const grow = (names: string[]) =>
      call(broker, CreatePartitionsApi, 3, { topics: names.map((name) => ({ name, count: 3, assignments: null })), timeoutMs: 1000, validateOnly: false }, undefined, ALICE).then((r) => r.results.map((x) => [x.name, x.errorCode]));
    expect(await grow(["mine", "theirs", "nothing", "theirs"])).toEqual([
      ["mine", ErrorCodes.NONE],
      ["theirs", ErrorCodes.INVALID_REQUEST],
      ["nothing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect((await broker.engine.getTopic("theirs"))?.partitionCount).toBe(1);
  });
});

describe("configs", () => {
  test("DescribeConfigs needs DESCRIBE_CONFIGS on the topic, or on the cluster for the broker", async () => {
    const broker = await withTopics("mine", "theirs");
    await grant(broker, { resourceType: TOPIC, resourceName: "mine", operation: ALTER_CONFIGS });
    const describeConfigs = () =>
      call(
        broker,
        DescribeConfigsApi,
        4,
        {
          resources: [
            { resourceType: CONFIG_TOPIC, resourceName: "mine", configurationKeys: null },
            { resourceType: CONFIG_TOPIC, resourceName: "theirs", configurationKeys: null },
            { resourceType: CONFIG_BROKER, resourceName: String(broker.config.nodeId), configurationKeys: null },
          ],
          includeSynonyms: false,
          includeDocumentation: false,
        },
        undefined,
        ALICE,
      ).then((r) => r.results.map((x) => [x.resourceName, x.errorCode, x.errorMessage]));
    expect(await describeConfigs()).toEqual([
      ["mine", ErrorCodes.NONE, null],
      ["theirs", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Topic authorization failed."],
      [String(broker.config.nodeId), ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, "Cluster authorization failed."],
    ]);
    await grant(broker, { resourceType: CLUSTER, operation: DESCRIBE_CONFIGS });
    expect((await describeConfigs())[2]?.[1]).toBe(ErrorCodes.NONE);
  });

  test("AlterConfigs and IncrementalAlterConfigs need ALTER_CONFIGS on the topic, or on the cluster for the broker", async () => {
    const broker = await withTopics("mine", "theirs");
    await grant(broker, { resourceType: TOPIC, resourceName: "mine", operation: ALTER_CONFIGS });
    const legacy = await call(
      broker,
      AlterConfigsApi,
      2,
      {
        resources: ["mine", "theirs"].map((resourceName) => ({ resourceType: CONFIG_TOPIC, resourceName, configs: [{ name: "retention.ms", value: "1000" }] })),
        validateOnly: false,
      },
      undefined,
      ALICE,
    );
    expect(legacy.responses.map((x) => [x.resourceName, x.errorCode])).toEqual([
      ["mine", ErrorCodes.NONE],
      ["theirs", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const incremental = await call(
      broker,
      IncrementalAlterConfigsApi,
      1,
      {
        resources: [
          { resourceType: CONFIG_TOPIC, resourceName: "theirs", configs: [{ name: "retention.ms", configOperation: 0, value: "5" }] },
          { resourceType: CONFIG_BROKER, resourceName: "", configs: [] },
        ],
        validateOnly: false,
      },
      undefined,
      ALICE,
    );
    expect(incremental.responses.map((x) => x.errorCode)).toEqual([ErrorCodes.TOPIC_AUTHORIZATION_FAILED, ErrorCodes.CLUSTER_AUTHORIZATION_FAILED]);
    expect((await broker.engine.getTopic("mine"))?.configs).toEqual({ "retention.ms": "1000" });
    expect((await broker.engine.getTopic("theirs"))?.configs).toEqual({});
  });

  test("the client quota APIs need DESCRIBE_CONFIGS and ALTER_CONFIGS on the cluster", async () => {
    const broker = await aclBroker();
    const entity = [{ entityType: "client-id", entityName: "app" }];
    const alter = () =>
      call(broker, AlterClientQuotasApi, 1, { entries: [{ entity, ops: [{ key: "producer_byte_rate", value: 1024, remove: false }] }], validateOnly: false }, undefined, ALICE).then((r) => r.entries[0]?.errorCode);
    const describeQuotas = () => call(broker, DescribeClientQuotasApi, 1, { components: [], strict: false }, undefined, ALICE);
    expect(await alter()).toBe(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED);
    expect(await broker.engine.clientQuotas()).toEqual([]);
    const refused = await describeQuotas();
    expect([refused.errorCode, refused.entries]).toEqual([ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, null]);
    await grant(broker, { resourceType: CLUSTER, operation: ALTER_CONFIGS });
    expect(await alter()).toBe(ErrorCodes.NONE);
    // ALTER_CONFIGS implies DESCRIBE_CONFIGS
    expect((await describeQuotas()).entries).toHaveLength(1);
  });
});

test("DescribeCluster answers anyone; its authorized operations need DESCRIBE on the cluster", async () => {
  const broker = await aclBroker();
  const describeCluster = () => call(broker, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 }, undefined, ALICE);
  const refused = await describeCluster();
  expect([refused.errorCode, refused.brokers.length, refused.clusterAuthorizedOperations]).toEqual([ErrorCodes.NONE, 1, 0]);
  await grant(broker, { resourceType: CLUSTER, operation: ALTER });
  expect((await describeCluster()).clusterAuthorizedOperations).toBe((1 << ALTER) | (1 << DESCRIBE));
});
