// Authorization of the transaction APIs, as Kafka's: AddPartitionsToTxn, AddOffsetsToTxn,
// TxnOffsetCommit, EndTxn, DescribeTransactions and ListTransactions, for User:alice with and
// without the ACLs each needs (real handlers, the ACL authorizer, a memory engine).

import { expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  AddOffsetsToTxnApi,
  AddPartitionsToTxnApi,
  DescribeTransactionsApi,
  EndTxnApi,
  InitProducerIdApi,
  ListTransactionsApi,
  TxnOffsetCommitApi,
} from "../../src/protocol/generated/index.ts";
import { ADMIN, ALICE, type AclBroker, aclBroker, grant } from "./acl-broker.ts";
import { call, type Sender } from "./broker.ts";

const { TOPIC, GROUP, TRANSACTIONAL_ID } = ResourceType;
const { READ, WRITE, DESCRIBE } = AclOperation;

interface Producer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

async function setup(): Promise<{ broker: AclBroker; producer: Producer }> {
  const broker = await aclBroker();
  for (const name of ["orders", "secret"]) await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
  const r = await call(broker, InitProducerIdApi, 5, { transactionalId: "tx", transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }, undefined, ADMIN);
  expect(r.errorCode).toBe(ErrorCodes.NONE);
  return { broker, producer: { transactionalId: "tx", producerId: r.producerId, producerEpoch: r.producerEpoch } };
}

const addPartitions = (broker: AclBroker, p: Producer, topics: string[], sender: Sender = ALICE) =>
  call(
    broker,
    AddPartitionsToTxnApi,
    3,
    { transactions: [], v3AndBelowTransactionalId: p.transactionalId, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: topics.map((name) => ({ name, partitions: [0] })) },
    undefined,
    sender,
  ).then((r) => r.resultsByTopicV3AndBelow.map((t) => [t.name, t.resultsByPartition[0]?.partitionErrorCode]));

test("AddPartitionsToTxn needs WRITE on the transactional id, then WRITE on every topic or nothing is added", async () => {
  const { broker, producer } = await setup();
  expect(await addPartitions(broker, producer, ["orders"])).toEqual([["orders", ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]]);
  await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: WRITE }, { resourceType: TOPIC, resourceName: "orders", operation: WRITE });
  expect(await addPartitions(broker, producer, ["orders", "secret", "missing"])).toEqual([
    ["orders", ErrorCodes.OPERATION_NOT_ATTEMPTED],
    ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ["missing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
  ]);
  expect(await addPartitions(broker, producer, ["orders"])).toEqual([["orders", ErrorCodes.NONE]]);
});

test("AddOffsetsToTxn needs WRITE on the transactional id, then READ on the group; TxnOffsetCommit both, then READ on each topic", async () => {
  const { broker, producer } = await setup();
  const addOffsets = () => call(broker, AddOffsetsToTxnApi, 3, { ...producer, groupId: "g" }, undefined, ALICE).then((r) => r.errorCode);
  const commit = () =>
    call(
      broker,
      TxnOffsetCommitApi,
      3,
      {
        ...producer,
        groupId: "g",
        generationId: -1,
        memberId: "",
        groupInstanceId: null,
        topics: ["orders", "secret"].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] })),
      },
      undefined,
      ALICE,
    ).then((r) => r.topics.map((t) => t.partitions[0]?.errorCode));
  expect(await addOffsets()).toBe(ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  expect(await commit()).toEqual([ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]);
  await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: WRITE });
  expect(await addOffsets()).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
  expect(await commit()).toEqual([ErrorCodes.GROUP_AUTHORIZATION_FAILED, ErrorCodes.GROUP_AUTHORIZATION_FAILED]);
  await grant(broker, { resourceType: GROUP, resourceName: "g", operation: READ }, { resourceType: TOPIC, resourceName: "orders", operation: READ });
  expect(await addOffsets()).toBe(ErrorCodes.NONE);
  expect(await commit()).toEqual([ErrorCodes.NONE, ErrorCodes.TOPIC_AUTHORIZATION_FAILED]);
});

test("EndTxn needs WRITE on the transactional id", async () => {
  const { broker, producer } = await setup();
  expect(await addPartitions(broker, producer, ["orders"], ADMIN)).toEqual([["orders", ErrorCodes.NONE]]);
  const end = () => call(broker, EndTxnApi, 3, { ...producer, committed: false }, undefined, ALICE).then((r) => r.errorCode);
  expect(await end()).toBe(ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: WRITE });
  expect(await end()).toBe(ErrorCodes.NONE);
});

test("DescribeTransactions needs DESCRIBE on each id and shows only describable topics; ListTransactions lists only describable ids", async () => {
  const { broker, producer } = await setup();
  expect(await addPartitions(broker, producer, ["orders", "secret"], ADMIN)).toEqual([
    ["orders", ErrorCodes.NONE],
    ["secret", ErrorCodes.NONE],
  ]);
  const describeTxn = () => call(broker, DescribeTransactionsApi, 0, { transactionalIds: ["tx", "other"] }, undefined, ALICE).then((r) => r.transactionStates.map((s) => [s.transactionalId, s.errorCode, s.topics.map((t) => t.topic)]));
  const list = () => call(broker, ListTransactionsApi, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n }, undefined, ALICE).then((r) => r.transactionStates.map((s) => s.transactionalId));
  expect(await describeTxn()).toEqual([
    ["tx", ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, []],
    ["other", ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, []],
  ]);
  expect(await list()).toEqual([]);
  await grant(broker, { resourceType: TRANSACTIONAL_ID, resourceName: "*", operation: DESCRIBE }, { resourceType: TOPIC, resourceName: "orders", operation: READ });
  expect(await describeTxn()).toEqual([
    ["tx", ErrorCodes.NONE, ["orders"]],
    ["other", ErrorCodes.TRANSACTIONAL_ID_NOT_FOUND, []],
  ]);
  expect(await list()).toEqual(["tx"]);
});
