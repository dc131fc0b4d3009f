// authorizeByResourceType (KIP-679), which decides whether an idempotent producer may get a
// producer id: WRITE on some topic that no DENY covers, as Kafka's Authorizer computes it.

import { expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { DENY, PREFIXED, authorizerOver, binding } from "./acl-fixtures.ts";

const { WRITE, READ, ALL } = AclOperation;
const TOPIC = ResourceType.TOPIC;
const ALICE = "User:alice";
const HOST = "10.0.0.1";

const anyTopic = async (...bindings: Parameters<typeof binding>[0][]) => (await authorizerOver(bindings.map(binding))).authorizer.authorizeByResourceType(ALICE, HOST, WRITE, TOPIC);

test("an ALLOW of the operation (or ALL) on any topic pattern allows", async () => {
  expect(await anyTopic({ operation: WRITE })).toBe(true);
  expect(await anyTopic({ operation: ALL, resourceName: "logs-", patternType: PREFIXED })).toBe(true);
  expect(await anyTopic({ operation: WRITE, principal: "User:*", resourceName: "*" })).toBe(true);
});

test("implied operations do not count, nor other principals, hosts or resource types", async () => {
  expect(await anyTopic({ operation: READ })).toBe(false);
  expect(await anyTopic({ operation: WRITE, principal: "User:bob" })).toBe(false);
  expect(await anyTopic({ operation: WRITE, host: "10.9.9.9" })).toBe(false);
  expect(await anyTopic({ operation: WRITE, resourceType: ResourceType.GROUP })).toBe(false);
});

test("a DENY covering every allowed name refuses; one covering only some does not", async () => {
  expect(await anyTopic({ operation: WRITE }, { operation: WRITE, permissionType: DENY })).toBe(false);
  expect(await anyTopic({ operation: WRITE }, { operation: WRITE, resourceName: "ord", patternType: PREFIXED, permissionType: DENY })).toBe(false);
  expect(await anyTopic({ operation: WRITE, resourceName: "ord", patternType: PREFIXED }, { operation: WRITE, permissionType: DENY })).toBe(true);
  expect(await anyTopic({ operation: WRITE }, { operation: WRITE, resourceName: "other", permissionType: DENY })).toBe(true);
  expect(await anyTopic({ operation: WRITE, resourceName: "*" }, { operation: ALL, resourceName: "orders", permissionType: DENY })).toBe(true);
});

test("a DENY on LITERAL * refuses whatever is allowed", async () => {
  expect(await anyTopic({ operation: WRITE, resourceName: "*" }, { operation: WRITE, resourceName: "*", permissionType: DENY })).toBe(false);
});

test("super users pass, and allow.everyone.if.no.acl.found passes when no binding matches the probe", async () => {
  const { authorizer } = await authorizerOver([binding({ operation: WRITE, permissionType: DENY, resourceName: "*" })], { superUsers: ["User:admin"] });
  expect(authorizer.authorizeByResourceType("User:admin", HOST, WRITE, TOPIC)).toBe(true);
  const open = (await authorizerOver([binding({ principal: "User:bob" })], { allowEveryoneIfNoAclFound: true })).authorizer;
  expect(open.authorizeByResourceType(ALICE, HOST, WRITE, TOPIC)).toBe(true);
  const closed = (await authorizerOver([binding({ principal: "User:bob" })])).authorizer;
  expect(closed.authorizeByResourceType(ALICE, HOST, WRITE, TOPIC)).toBe(false);
});
