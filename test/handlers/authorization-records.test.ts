// Authorization of the record APIs, as Kafka's: Produce, Fetch, ListOffsets, Metadata,
// DeleteRecords, DescribeProducers and InitProducerId, for User:alice with and without the ACLs
// each needs (real handlers, the ACL authorizer, a memory engine).

import { describe, expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  DeleteRecordsApi,
  DescribeProducersApi,
  FetchApi,
  InitProducerIdApi,
  ListOffsetsApi,
  MetadataApi,
  ProduceApi,
  defaultFetchRequest,
  defaultFetchRequestFetchTopic,
  defaultFetchRequestFetchPartition,
  defaultListOffsetsRequest,
  defaultMetadataRequest,
  defaultMetadataRequestMetadataRequestTopic,
} from "../../src/protocol/generated/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { ADMIN, ALICE, type AclBroker, aclBroker, grant } from "./acl-broker.ts";
import { call, type Sender } from "./broker.ts";

const { TOPIC, CLUSTER, TRANSACTIONAL_ID } = ResourceType;
const { READ, WRITE, CREATE, DELETE, DESCRIBE, CLUSTER_ACTION, IDEMPOTENT_WRITE } = AclOperation;
const PREFIXED = 4;
const bit = (...ops: number[]) => ops.reduce((bits, op) => bits | (1 << op), 0);

async function withTopics(...names: string[]): Promise<AclBroker> {
  const broker = await aclBroker();
  for (const name of names) await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
  return broker;
}

function produce(broker: AclBroker, topics: string[], options: { transactionalId?: string; records?: Uint8Array } = {}, sender: Sender = ALICE) {
  const records = options.records ?? encodeBatch([{ value: new TextEncoder().encode("v") }]);
  const request = { transactionalId: options.transactionalId ?? null, acks: -1, timeoutMs: 5000, topicData: topics.map((name) => ({ name, partitionData: [{ index: 0, records }] })) };
  return call(broker, ProduceApi, 9, request, undefined, sender).then((r) => r.responses.map((t) => [t.name, t.partitionResponses[0]?.errorCode]));
}

describe("Produce", () => {
  test("WRITE on the topic, checked before whether it exists", async () => {
    const broker = await withTopics("orders", "logs");
    expect(await produce(broker, ["orders", "missing"])).toEqual([
      ["orders", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["missing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
    await grant(broker, { resourceType: TOPIC, resourceName: "o", patternType: PREFIXED, operation: WRITE }, { resourceType: TOPIC, resourceName: "missing", operation: WRITE });
    expect(await produce(broker, ["orders", "missing", "logs"])).toEqual([
      ["orders", ErrorCodes.NONE],
      ["missing", ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION],
      ["logs", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
  });

  test("transactional batches need WRITE on the transactionalId, else every partition is refused", async () => {
    const broker = await withTopics("orders");
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: WRITE });
    const records = encodeBatch([{ value: new TextEncoder().encode("v") }], { transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 });
    expect(await produce(broker, ["orders"], { transactionalId: "tx", records })).toEqual([["orders", ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]]);
    await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: WRITE });
    // authorized: now the transaction's own checks answer (producer 7 never began a transaction)
    expect(await produce(broker, ["orders"], { transactionalId: "tx", records })).toEqual([["orders", ErrorCodes.INVALID_PRODUCER_ID_MAPPING]]);
  });
});

describe("Fetch and ListOffsets", () => {
  const fetch = (broker: AclBroker, replicaId: number) =>
    call(
      broker,
      FetchApi,
      12,
      { ...defaultFetchRequest(), replicaId, maxWaitMs: 0, topics: [{ ...defaultFetchRequestFetchTopic(), topic: "orders", partitions: [{ ...defaultFetchRequestFetchPartition(), partitionMaxBytes: 1 << 20 }] }] },
      undefined,
      ALICE,
    ).then((r) => r.responses[0]?.partitions[0]?.errorCode);

  test("a consumer's Fetch needs READ on the topic; a follower's CLUSTER_ACTION on the cluster", async () => {
    const broker = await withTopics("orders");
    expect(await fetch(broker, -1)).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: READ });
    expect(await fetch(broker, -1)).toBe(ErrorCodes.NONE);
    expect(await fetch(broker, 1)).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: CLUSTER, operation: CLUSTER_ACTION });
    expect(await fetch(broker, 1)).toBe(ErrorCodes.NONE);
  });

  test("ListOffsets needs DESCRIBE on the topic (implied by WRITE)", async () => {
    const broker = await withTopics("orders");
    const list = () =>
      call(broker, ListOffsetsApi, 7, { ...defaultListOffsetsRequest(), replicaId: -1, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] }, undefined, ALICE).then(
        (r) => r.topics[0]?.partitions[0]?.errorCode,
      );
    expect(await list()).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: WRITE });
    expect(await list()).toBe(ErrorCodes.NONE);
  });
});

describe("Metadata", () => {
  const metadata = (broker: AclBroker, topics: (string | { id: string })[] | null, more: { version?: number; sender?: Sender; ops?: boolean } = {}) =>
    call(
      broker,
      MetadataApi,
      more.version ?? 12,
      {
        ...defaultMetadataRequest(),
        includeClusterAuthorizedOperations: more.ops === true,
        includeTopicAuthorizedOperations: more.ops === true,
        topics: topics?.map((t) => ({ ...defaultMetadataRequestMetadataRequestTopic(), ...(typeof t === "string" ? { name: t } : { name: null, topicId: t.id }) })) ?? null,
      },
      undefined,
      more.sender ?? ALICE,
    );

  test("a topic asked for by name without DESCRIBE answers TOPIC_AUTHORIZATION_FAILED, existing or not; listing all leaves it out", async () => {
    const broker = await withTopics("orders", "secret");
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: READ });
    const named = await metadata(broker, ["orders", "secret", "nothing"]);
    expect(named.topics.map((t) => [t.name, t.errorCode, t.topicId === "00000000-0000-0000-0000-000000000000"])).toEqual([
      ["orders", ErrorCodes.NONE, false],
      ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, true],
      ["nothing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, true],
    ]);
    expect((await metadata(broker, null)).topics.map((t) => t.name)).toEqual(["orders"]);
    expect((await metadata(broker, [], { version: 0 })).topics.map((t) => t.name)).toEqual(["orders"]);
    expect((await metadata(broker, null, { sender: ADMIN })).topics.map((t) => t.name).sort()).toEqual(["orders", "secret"]);
    expect(await broker.engine.getTopic("nothing")).toBeNull();
  });

  test("by id, an undescribable topic answers TOPIC_AUTHORIZATION_FAILED without its name", async () => {
    const broker = await withTopics("secret");
    const id = (await broker.engine.getTopic("secret"))!.topicId;
    const r = await metadata(broker, [{ id }]);
    expect(r.topics.map((t) => [t.name, t.topicId, t.errorCode])).toEqual([[null, id, ErrorCodes.TOPIC_AUTHORIZATION_FAILED]]);
  });

  test("auto-creating a topic needs CREATE on the cluster or on the topic", async () => {
    const broker = await withTopics();
    await grant(broker, { resourceType: TOPIC, resourceName: "*", operation: DESCRIBE });
    expect((await metadata(broker, ["auto-1"])).topics[0]?.errorCode).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    expect(await broker.engine.getTopic("auto-1")).toBeNull();
    await grant(broker, { resourceType: TOPIC, resourceName: "auto-1", operation: CREATE });
    expect((await metadata(broker, ["auto-1", "auto-2"])).topics.map((t) => t.errorCode)).toEqual([ErrorCodes.NONE, ErrorCodes.TOPIC_AUTHORIZATION_FAILED]);
    await grant(broker, { resourceType: CLUSTER, operation: CREATE });
    expect((await metadata(broker, ["auto-2"])).topics[0]?.errorCode).toBe(ErrorCodes.NONE);
    expect((await broker.engine.listTopics()).map((t) => t.name).sort()).toEqual(["auto-1", "auto-2"]);
  });

  test("authorized operations are the sender's; the cluster's need DESCRIBE on it", async () => {
    const broker = await withTopics("orders");
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: READ }, { resourceType: TOPIC, resourceName: "orders", operation: DELETE });
    const mine = await metadata(broker, ["orders"], { ops: true, version: 10 });
    expect(mine.topics[0]?.topicAuthorizedOperations).toBe(bit(READ, DELETE, DESCRIBE));
    expect(mine.clusterAuthorizedOperations).toBe(0);
    await grant(broker, { resourceType: CLUSTER, operation: CREATE });
    expect((await metadata(broker, ["orders"], { ops: true, version: 10 })).clusterAuthorizedOperations).toBe(0);
    await grant(broker, { resourceType: CLUSTER, operation: DESCRIBE });
    expect((await metadata(broker, ["orders"], { ops: true, version: 10 })).clusterAuthorizedOperations).toBe(bit(CREATE, DESCRIBE));
    const admin = await metadata(broker, ["orders"], { ops: true, version: 10, sender: ADMIN });
    expect(admin.topics[0]?.topicAuthorizedOperations).toBe(bit(READ, WRITE, CREATE, DELETE, AclOperation.ALTER, DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS));
  });
});

describe("DeleteRecords and DescribeProducers", () => {
  test("DeleteRecords needs DELETE on the topic", async () => {
    const broker = await withTopics("orders");
    const del = () => call(broker, DeleteRecordsApi, 2, { timeoutMs: 1000, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, offset: 0n }] }] }, undefined, ALICE).then((r) => r.topics[0]?.partitions[0]?.errorCode);
    expect(await del()).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: DELETE });
    expect(await del()).toBe(ErrorCodes.NONE);
  });

  test("DescribeProducers needs READ on the topic", async () => {
    const broker = await withTopics("orders");
    const describeProducers = () => call(broker, DescribeProducersApi, 0, { topics: [{ name: "orders", partitionIndexes: [0] }] }, undefined, ALICE).then((r) => r.topics[0]?.partitions[0]?.errorCode);
    expect(await describeProducers()).toBe(ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TOPIC, resourceName: "orders", operation: READ });
    expect(await describeProducers()).toBe(ErrorCodes.NONE);
  });
});

describe("InitProducerId", () => {
  const init = (broker: AclBroker, transactionalId: string | null) =>
    call(broker, InitProducerIdApi, 5, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }, undefined, ALICE).then((r) => r.errorCode);

  test("an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679)", async () => {
    const broker = await withTopics();
    expect(await init(broker, null)).toBe(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TOPIC, resourceName: "logs-", patternType: PREFIXED, operation: WRITE });
    expect(await init(broker, null)).toBe(ErrorCodes.NONE);
    const other = await withTopics();
    await grant(other, { resourceType: CLUSTER, operation: IDEMPOTENT_WRITE });
    expect(await init(other, null)).toBe(ErrorCodes.NONE);
  });

  test("a transactional producer needs WRITE on its transactional id", async () => {
    const broker = await withTopics();
    await grant(broker, { resourceType: CLUSTER, operation: IDEMPOTENT_WRITE });
    expect(await init(broker, "tx")).toBe(ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: WRITE });
    expect(await init(broker, "tx")).toBe(ErrorCodes.NONE);
  });
});
