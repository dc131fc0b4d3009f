// DescribeAcls, CreateAcls and DeleteAcls (keys 29–31) at every version, over a broker whose ACL
// authorizer reads a memory engine: validation as Kafka's, filters, SECURITY_DISABLED without an
// authorizer, and the cluster permissions the APIs need.

import { describe, expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  CreateAclsApi,
  type CreateAclsRequest,
  DeleteAclsApi,
  type DeleteAclsRequest,
  DescribeAclsApi,
  type DescribeAclsRequest,
} from "../../src/protocol/generated/index.ts";
import { ADMIN, ALICE, type AclBroker, aclBroker } from "./acl-broker.ts";
import { call, type Sender, testBroker } from "./broker.ts";

const ANY = 1;
const MATCH = 2;
const LITERAL = 3;
const PREFIXED = 4;
const DENY = 2;
const ALLOW = 3;

type Creation = CreateAclsRequest["creations"][number];
type Filter = DescribeAclsRequest;

const creation = (over: Partial<Creation> = {}): Creation => ({
  resourceType: ResourceType.TOPIC,
  resourceName: "orders",
  resourcePatternType: LITERAL,
  principal: "User:alice",
  host: "*",
  operation: AclOperation.READ,
  permissionType: ALLOW,
  ...over,
});

const everything: Filter = { resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: ANY, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY };

const create = (broker: Broker, version: number, creations: Creation[], sender: Sender = ADMIN) => call(broker, CreateAclsApi, version, { creations }, undefined, sender);
const describeAcls = (broker: Broker, version: number, filter: Partial<Filter> = {}, sender: Sender = ADMIN) => call(broker, DescribeAclsApi, version, { ...everything, ...filter }, undefined, sender);
const deleteAcls = (broker: Broker, version: number, filters: Partial<DeleteAclsRequest["filters"][number]>[], sender: Sender = ADMIN) =>
  call(broker, DeleteAclsApi, version, { filters: filters.map((f) => ({ ...everything, ...f })) }, undefined, sender);

/** The stored bindings as `resourceName/patternType principal operation permission` lines. */
async function stored(broker: Broker): Promise<string[]> {
  return (await broker.engine.acls()).map((b) => `${b.resourceName}/${b.patternType} ${b.principal} ${b.operation} ${b.permissionType}`).sort();
}

describe("without an authorizer", () => {
  test("every ACL API answers SECURITY_DISABLED, as Kafka does", async () => {
    const broker = testBroker();
    const described = await describeAcls(broker, 3);
    expect([described.errorCode, described.errorMessage]).toEqual([ErrorCodes.SECURITY_DISABLED, "No Authorizer is configured on the broker"]);
    const created = await create(broker, 3, [creation(), creation({ resourceName: "b" })]);
    expect(created.results).toEqual([
      { errorCode: ErrorCodes.SECURITY_DISABLED, errorMessage: "No Authorizer is configured." },
      { errorCode: ErrorCodes.SECURITY_DISABLED, errorMessage: "No Authorizer is configured." },
    ]);
    const deleted = await deleteAcls(broker, 3, [{}]);
    expect(deleted.filterResults.map((r) => r.errorCode)).toEqual([ErrorCodes.SECURITY_DISABLED]);
    expect(await stored(broker)).toEqual([]);
  });
});

describe("CreateAcls", () => {
  for (const version of [0, 1, 2, 3]) {
    test(`v${version} stores the valid creations and refuses the others with Kafka's messages`, async () => {
      const broker = await aclBroker();
      const r = await create(broker, version, [
        creation(),
        creation({ resourceType: ANY }),
        creation({ resourceType: ResourceType.CLUSTER, resourceName: "my-cluster", operation: AclOperation.ALTER }),
        creation({ resourceName: "" }),
        creation({ operation: ANY }),
        creation({ permissionType: ANY }),
        creation({ principal: "alice" }),
        creation({ resourceType: ResourceType.GROUP, resourceName: "billing", operation: AclOperation.DESCRIBE, permissionType: DENY }),
      ]);
      expect(r.results).toEqual([
        { errorCode: ErrorCodes.NONE, errorMessage: null },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Invalid resourceType ANY" },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "The only valid name for the CLUSTER resource is kafka-cluster" },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Invalid empty resource name" },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Invalid operation ANY" },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Invalid permissionType ANY" },
        { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "expected a string in format principalType:principalName but got alice" },
        { errorCode: ErrorCodes.NONE, errorMessage: null },
      ]);
      expect(await stored(broker)).toEqual(["billing/3 User:alice 8 2", "orders/3 User:alice 3 3"]);
    });
  }

  test("v1+ creates PREFIXED bindings and refuses pattern types ANY and MATCH", async () => {
    const broker = await aclBroker();
    const r = await create(broker, 1, [creation({ resourcePatternType: PREFIXED, resourceName: "ord" }), creation({ resourcePatternType: MATCH }), creation({ resourcePatternType: ANY })]);
    expect(r.results.map((x) => x.errorMessage)).toEqual([null, "Invalid patternType MATCH", "Invalid patternType ANY"]);
    expect(await stored(broker)).toEqual(["ord/4 User:alice 3 3"]);
  });

  test("a binding created twice is stored once", async () => {
    const broker = await aclBroker();
    await create(broker, 2, [creation(), creation()]);
    await create(broker, 2, [creation()]);
    expect(await stored(broker)).toEqual(["orders/3 User:alice 3 3"]);
  });

  test("this broker's authorizer applies new bindings at once", async () => {
    const broker = await aclBroker();
    expect(broker.authorizer.authorize("User:alice", "127.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders")).toBe(false);
    await create(broker, 3, [creation()]);
    expect(broker.authorizer.authorize("User:alice", "127.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders")).toBe(true);
  });
});

describe("DescribeAcls", () => {
  async function seeded(): Promise<AclBroker> {
    const broker = await aclBroker();
    await create(broker, 3, [
      creation(),
      creation({ principal: "User:bob", operation: AclOperation.WRITE }),
      creation({ resourceName: "ord", resourcePatternType: PREFIXED }),
      creation({ resourceName: "*", principal: "User:*", operation: AclOperation.DESCRIBE }),
      creation({ resourceType: ResourceType.GROUP, resourceName: "billing", host: "10.0.0.1" }),
    ]);
    return broker;
  }

  test("bindings are grouped by resource pattern", async () => {
    const broker = await seeded();
    const r = await describeAcls(broker, 3);
    expect(r.errorCode).toBe(ErrorCodes.NONE);
    const orders = r.resources.find((x) => x.resourceName === "orders" && x.patternType === LITERAL);
    expect(orders?.acls).toEqual([
      { principal: "User:alice", host: "*", operation: AclOperation.READ, permissionType: ALLOW },
      { principal: "User:bob", host: "*", operation: AclOperation.WRITE, permissionType: ALLOW },
    ]);
    expect(r.resources.map((x) => `${x.resourceType}:${x.resourceName}/${x.patternType}`).sort()).toEqual(["2:*/3", "2:ord/4", "2:orders/3", "3:billing/3"]);
  });

  test("filters: MATCH, exact name, type, principal, host, operation", async () => {
    const broker = await seeded();
    const names = async (f: Partial<Filter>) => (await describeAcls(broker, 3, f)).resources.flatMap((x) => x.acls.map((a) => `${x.resourceName}/${x.patternType}:${a.principal}`)).sort();
    expect(await names({ resourceNameFilter: "orders", patternTypeFilter: MATCH })).toEqual(["*/3:User:*", "ord/4:User:alice", "orders/3:User:alice", "orders/3:User:bob"]);
    expect(await names({ resourceNameFilter: "orders" })).toEqual(["orders/3:User:alice", "orders/3:User:bob"]);
    expect(await names({ resourceTypeFilter: ResourceType.GROUP })).toEqual(["billing/3:User:alice"]);
    expect(await names({ principalFilter: "User:bob" })).toEqual(["orders/3:User:bob"]);
    expect(await names({ hostFilter: "10.0.0.1" })).toEqual(["billing/3:User:alice"]);
    expect(await names({ operation: AclOperation.DESCRIBE })).toEqual(["*/3:User:*"]);
    expect(await names({ patternTypeFilter: PREFIXED })).toEqual(["ord/4:User:alice"]);
  });

  test("v0 has no pattern type: it sees LITERAL bindings only", async () => {
    const broker = await seeded();
    const r = await describeAcls(broker, 0);
    expect(r.resources.every((x) => x.patternType === LITERAL)).toBe(true);
    expect(r.resources.map((x) => x.resourceName).sort()).toEqual(["*", "billing", "orders"]);
  });

  test("a filter with codes Kafka does not know answers INVALID_REQUEST", async () => {
    const broker = await seeded();
    const r = await describeAcls(broker, 1, { operation: 0 });
    expect([r.errorCode, r.errorMessage, r.resources]).toEqual([ErrorCodes.INVALID_REQUEST, "Unknown entryFilter.", []]);
  });
});

describe("DeleteAcls", () => {
  test("each filter lists what it removed; a binding two filters select is listed under both", async () => {
    const broker = await aclBroker();
    await create(broker, 3, [creation(), creation({ principal: "User:bob" }), creation({ resourceName: "ord", resourcePatternType: PREFIXED }), creation({ resourceName: "payments" })]);
    const r = await deleteAcls(broker, 3, [{ resourceNameFilter: "orders", patternTypeFilter: MATCH, principalFilter: "User:alice" }, { principalFilter: "User:bob" }, { resourceNameFilter: "orders" }, { permissionType: 0 }]);
    const listed = r.filterResults.map((f) => [f.errorCode, f.errorMessage, f.matchingAcls.map((a) => `${a.resourceName}/${a.patternType}:${a.principal}`).sort()]);
    expect(listed).toEqual([
      [ErrorCodes.NONE, null, ["ord/4:User:alice", "orders/3:User:alice"]],
      [ErrorCodes.NONE, null, ["orders/3:User:bob"]],
      [ErrorCodes.NONE, null, ["orders/3:User:alice", "orders/3:User:bob"]],
      [ErrorCodes.INVALID_REQUEST, "Unknown entryFilter.", []],
    ]);
    expect(r.filterResults[0]?.matchingAcls[0]?.errorCode).toBe(ErrorCodes.NONE);
    expect(await stored(broker)).toEqual(["payments/3 User:alice 3 3"]);
  });

  test("v0 filters select LITERAL bindings only", async () => {
    const broker = await aclBroker();
    await create(broker, 1, [creation(), creation({ resourceName: "ord", resourcePatternType: PREFIXED })]);
    const r = await deleteAcls(broker, 0, [{}]);
    expect(r.filterResults[0]?.matchingAcls.map((a) => a.resourceName)).toEqual(["orders"]);
    expect(await stored(broker)).toEqual(["ord/4 User:alice 3 3"]);
  });

  test("this broker's authorizer stops applying deleted bindings at once", async () => {
    const broker = await aclBroker();
    await create(broker, 3, [creation()]);
    await deleteAcls(broker, 3, [{ resourceNameFilter: "orders" }]);
    expect(broker.authorizer.authorize("User:alice", "127.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders")).toBe(false);
  });
});

describe("authorization of the ACL APIs", () => {
  test("without ALTER on the cluster, Create and DeleteAcls are refused; without DESCRIBE, DescribeAcls", async () => {
    const broker = await aclBroker();
    await create(broker, 3, [creation()]);
    const created = await create(broker, 3, [creation({ principal: "User:mallory" }), creation({ resourceName: "x" })], ALICE);
    expect(created.results.map((r) => r.errorCode)).toEqual([ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, ErrorCodes.CLUSTER_AUTHORIZATION_FAILED]);
    const deleted = await deleteAcls(broker, 3, [{}], ALICE);
    expect(deleted.filterResults.map((r) => r.errorCode)).toEqual([ErrorCodes.CLUSTER_AUTHORIZATION_FAILED]);
    expect((await describeAcls(broker, 3, {}, ALICE)).errorCode).toBe(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED);
    expect(await stored(broker)).toEqual(["orders/3 User:alice 3 3"]);
  });

  test("ALTER on the cluster lets a principal manage ACLs, and implies the DESCRIBE that DescribeAcls needs", async () => {
    const broker = await aclBroker();
    await create(broker, 3, [creation({ resourceType: ResourceType.CLUSTER, resourceName: "kafka-cluster", operation: AclOperation.ALTER })]);
    expect((await create(broker, 3, [creation({ resourceName: "x" })], ALICE)).results[0]?.errorCode).toBe(ErrorCodes.NONE);
    expect((await describeAcls(broker, 3, { resourceNameFilter: "x" }, ALICE)).resources).toHaveLength(1);
    expect((await deleteAcls(broker, 3, [{ resourceNameFilter: "x" }], ALICE)).filterResults[0]?.matchingAcls).toHaveLength(1);
  });
});
