// Authorization of the group APIs, as Kafka's: FindCoordinator, the membership APIs, OffsetCommit,
// OffsetFetch, DescribeGroups, ListGroups, DeleteGroups and OffsetDelete, for User:alice with and
// without the ACLs each needs (real handlers, the ACL authorizer, a memory engine).

import { describe, expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
  defaultJoinGroupRequest,
  defaultOffsetCommitRequest,
  defaultOffsetFetchRequest,
  defaultSyncGroupRequest,
} from "../../src/protocol/generated/index.ts";
import { ADMIN, ALICE, type AclBroker, aclBroker, grant } from "./acl-broker.ts";
import { call, type Sender } from "./broker.ts";

const { TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID } = ResourceType;
const { READ, DELETE, DESCRIBE } = AclOperation;

async function withTopics(...names: string[]): Promise<AclBroker> {
  const broker = await aclBroker();
  for (const name of names) await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
  return broker;
}

const commit = (broker: AclBroker, groupId: string, topics: string[], sender: Sender = ALICE) =>
  call(
    broker,
    OffsetCommitApi,
    8,
    { ...defaultOffsetCommitRequest(), groupId, topics: topics.map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: "" }] })) },
    undefined,
    sender,
  ).then((r) => r.topics.map((t) => [t.name, t.partitions[0]?.errorCode]));

test("FindCoordinator needs DESCRIBE on the group or the transactional id, per key", async () => {
  const broker = await aclBroker();
  await grant(broker, { resourceType: GROUP, resourceName: "mine", operation: READ }, { resourceType: TRANSACTIONAL_ID, resourceName: "tx", operation: DESCRIBE });
  const find = (keyType: number, keys: string[]) => call(broker, FindCoordinatorApi, 4, { key: "", keyType, coordinatorKeys: keys }, undefined, ALICE).then((r) => r.coordinators.map((c) => [c.key, c.errorCode, c.nodeId]));
  expect(await find(0, ["mine", "theirs"])).toEqual([
    ["mine", ErrorCodes.NONE, broker.config.nodeId],
    ["theirs", ErrorCodes.GROUP_AUTHORIZATION_FAILED, -1],
  ]);
  expect(await find(1, ["tx", "other"])).toEqual([
    ["tx", ErrorCodes.NONE, broker.config.nodeId],
    ["other", ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1],
  ]);
  const v3 = await call(broker, FindCoordinatorApi, 3, { key: "theirs", keyType: 0, coordinatorKeys: [] }, undefined, ALICE);
  expect(v3.errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
});

test("JoinGroup, SyncGroup, Heartbeat and LeaveGroup need READ on the group", async () => {
  const broker = await aclBroker();
  const join = () =>
    call(broker, JoinGroupApi, 5, { ...defaultJoinGroupRequest(), groupId: "g", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: "consumer", protocols: [{ name: "range", metadata: new Uint8Array(0) }] }, undefined, ALICE);
  expect((await join()).errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
  expect((await call(broker, SyncGroupApi, 3, { ...defaultSyncGroupRequest(), groupId: "g", memberId: "m" }, undefined, ALICE)).errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
  expect((await call(broker, HeartbeatApi, 3, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null }, undefined, ALICE)).errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
  const leave = await call(broker, LeaveGroupApi, 3, { groupId: "g", memberId: "", members: [{ memberId: "m", groupInstanceId: null, reason: null }] }, undefined, ALICE);
  expect([leave.errorCode, leave.members]).toEqual([ErrorCodes.GROUP_AUTHORIZATION_FAILED, []]);
  expect((await call(broker, LeaveGroupApi, 1, { groupId: "g", memberId: "m", members: [] }, undefined, ALICE)).errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
  await grant(broker, { resourceType: GROUP, resourceName: "g", operation: READ });
  // authorized: v4+ asks a new member to rejoin with its member id
  expect((await join()).errorCode).toBe(ErrorCodes.MEMBER_ID_REQUIRED);
});

describe("OffsetCommit and OffsetFetch", () => {
  test("OffsetCommit needs READ on the group, then READ on each topic (before whether it exists)", async () => {
    const broker = await withTopics("orders", "secret");
    expect(await commit(broker, "g", ["orders"])).toEqual([["orders", ErrorCodes.GROUP_AUTHORIZATION_FAILED]]);
    await grant(broker, { resourceType: GROUP, resourceName: "g", operation: READ }, { resourceType: TOPIC, resourceName: "orders", operation: READ });
    expect(await commit(broker, "g", ["orders", "secret", "missing"])).toEqual([
      ["orders", ErrorCodes.NONE],
      ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ["missing", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect((await broker.engine.fetchOffsets("g", null)).map((o) => o.topic)).toEqual(["orders"]);
  });

  test("OffsetFetch needs DESCRIBE on the group; undescribable topics are refused when named and left out when listing all", async () => {
    const broker = await withTopics("orders", "secret");
    expect(await commit(broker, "g", ["orders", "secret"], ADMIN)).toEqual([
      ["orders", ErrorCodes.NONE],
      ["secret", ErrorCodes.NONE],
    ]);
    const fetchV8 = (topics: string[] | null) =>
      call(broker, OffsetFetchApi, 8, { ...defaultOffsetFetchRequest(), groups: [{ groupId: "g", memberId: null, memberEpoch: -1, topics: topics?.map((name) => ({ name, partitionIndexes: [0] })) ?? null }] }, undefined, ALICE).then((r) => r.groups[0]);
    expect((await fetchV8(null))?.errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
    const v1 = await call(broker, OffsetFetchApi, 1, { ...defaultOffsetFetchRequest(), groupId: "g", topics: [{ name: "orders", partitionIndexes: [0] }] }, undefined, ALICE);
    expect(v1.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
    const v5 = await call(broker, OffsetFetchApi, 5, { ...defaultOffsetFetchRequest(), groupId: "g", topics: null }, undefined, ALICE);
    expect([v5.errorCode, v5.topics]).toEqual([ErrorCodes.GROUP_AUTHORIZATION_FAILED, []]);

    await grant(broker, { resourceType: GROUP, resourceName: "g", operation: DESCRIBE }, { resourceType: TOPIC, resourceName: "orders", operation: DESCRIBE });
    const named = await fetchV8(["orders", "secret"]);
    expect(named?.topics.map((t) => [t.name, t.partitions[0]?.errorCode, t.partitions[0]?.committedOffset])).toEqual([
      ["orders", ErrorCodes.NONE, 5n],
      ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED, -1n],
    ]);
    expect((await fetchV8(null))?.topics.map((t) => t.name)).toEqual(["orders"]);
  });
});

describe("group administration", () => {
  test("DescribeGroups needs DESCRIBE per group and reports the sender's authorized operations", async () => {
    const broker = await aclBroker();
    await grant(broker, { resourceType: GROUP, resourceName: "mine", operation: READ });
    const r = await call(broker, DescribeGroupsApi, 5, { groups: ["mine", "theirs"], includeAuthorizedOperations: true }, undefined, ALICE);
    expect(r.groups.map((g) => [g.groupId, g.errorCode, g.authorizedOperations])).toEqual([
      ["mine", ErrorCodes.NONE, (1 << READ) | (1 << DESCRIBE)],
      ["theirs", ErrorCodes.GROUP_AUTHORIZATION_FAILED, -2147483648],
    ]);
  });

  test("ListGroups lists every group with DESCRIBE on the cluster, otherwise only the describable ones", async () => {
    const broker = await withTopics("orders");
    for (const g of ["a", "b", "c"]) await commit(broker, g, ["orders"], ADMIN);
    const list = () => call(broker, ListGroupsApi, 4, { statesFilter: [], typesFilter: [] }, undefined, ALICE).then((r) => r.groups.map((g) => g.groupId).sort());
    expect(await list()).toEqual([]);
    await grant(broker, { resourceType: GROUP, resourceName: "b", operation: DELETE });
    expect(await list()).toEqual(["b"]);
    await grant(broker, { resourceType: CLUSTER, operation: DESCRIBE });
    expect(await list()).toEqual(["a", "b", "c"]);
  });

  test("DeleteGroups needs DELETE per group", async () => {
    const broker = await withTopics("orders");
    for (const g of ["a", "b"]) await commit(broker, g, ["orders"], ADMIN);
    await grant(broker, { resourceType: GROUP, resourceName: "a", operation: DELETE });
    const r = await call(broker, DeleteGroupsApi, 2, { groupsNames: ["a", "b"] }, undefined, ALICE);
    expect(r.results.map((x) => [x.groupId, x.errorCode])).toEqual([
      ["a", ErrorCodes.NONE],
      ["b", ErrorCodes.GROUP_AUTHORIZATION_FAILED],
    ]);
  });

  test("OffsetDelete needs DELETE on the group, then READ on each topic", async () => {
    const broker = await withTopics("orders", "secret");
    await commit(broker, "g", ["orders", "secret"], ADMIN);
    const del = () =>
      call(broker, OffsetDeleteApi, 0, { groupId: "g", topics: ["orders", "secret"].map((name) => ({ name, partitions: [{ partitionIndex: 0 }] })) }, undefined, ALICE);
    expect((await del()).errorCode).toBe(ErrorCodes.GROUP_AUTHORIZATION_FAILED);
    await grant(broker, { resourceType: GROUP, resourceName: "g", operation: DELETE }, { resourceType: TOPIC, resourceName: "orders", operation: READ });
    const r = await del();
    expect([r.errorCode, r.topics.map((t) => [t.name, t.partitions[0]?.errorCode])]).toEqual([
      ErrorCodes.NONE,
      [
        ["orders", ErrorCodes.NONE],
        ["secret", ErrorCodes.TOPIC_AUTHORIZATION_FAILED],
      ],
    ]);
    expect((await broker.engine.fetchOffsets("g", null)).map((o) => o.topic)).toEqual(["secret"]);
  });
});
