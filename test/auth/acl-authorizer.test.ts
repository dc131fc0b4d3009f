// The ACL authorizer's decisions, as Kafka's authorizer makes them: matching of resource patterns,
// principals and hosts, DENY over ALLOW, implied operations, super users and
// allow.everyone.if.no.acl.found, over bindings read from a memory engine.

import { describe, expect, test } from "bun:test";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { DENY, PREFIXED, authorizerOver, binding } from "./acl-fixtures.ts";

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS, ALL } = AclOperation;
const TOPIC = ResourceType.TOPIC;
const ALICE = "User:alice";
const HOST = "10.0.0.1";

describe("resource patterns", () => {
  test("a LITERAL binding matches its exact name only", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "orders" })]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders2")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "order")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, READ, ResourceType.GROUP, "orders")).toBe(false);
  });

  test("the LITERAL name * matches every resource of its type", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "*" })]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "anything")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "*")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, ResourceType.GROUP, "anything")).toBe(false);
  });

  test("a PREFIXED binding matches the names starting with it, the prefix itself included", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "sales-", patternType: PREFIXED })]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "sales-eu")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "sales-")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "sales")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "presales-eu")).toBe(false);
  });

  test("a PREFIXED * is a literal star prefix, not a wildcard", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "*", patternType: PREFIXED })]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "*x")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "x")).toBe(false);
  });
});

describe("principals and hosts", () => {
  test("a binding applies to its principal or, as User:*, to every principal", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "a" }), binding({ resourceName: "b", principal: "User:*" })]);
    expect(authorizer.authorize("User:bob", HOST, READ, TOPIC, "a")).toBe(false);
    expect(authorizer.authorize("User:bob", HOST, READ, TOPIC, "b")).toBe(true);
    expect(authorizer.authorize("User:ANONYMOUS", HOST, READ, TOPIC, "b")).toBe(true);
  });

  test("a binding applies from its host or, as *, from every host", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "a", host: "127.0.0.1" })]);
    expect(authorizer.authorize(ALICE, "127.0.0.1", READ, TOPIC, "a")).toBe(true);
    expect(authorizer.authorize(ALICE, "127.0.0.2", READ, TOPIC, "a")).toBe(false);
  });

  test("an IPv4 address seen on an IPv6 socket matches its IPv4 form, both ways", async () => {
    const { authorizer } = await authorizerOver([binding({ resourceName: "a", host: "127.0.0.1" }), binding({ resourceName: "b", host: "::ffff:10.1.2.3" })]);
    expect(authorizer.authorize(ALICE, "::ffff:127.0.0.1", READ, TOPIC, "a")).toBe(true);
    expect(authorizer.authorize(ALICE, "::FFFF:127.0.0.1", READ, TOPIC, "a")).toBe(true);
    expect(authorizer.authorize(ALICE, "10.1.2.3", READ, TOPIC, "b")).toBe(true);
    expect(authorizer.authorize(ALICE, "::1", READ, TOPIC, "a")).toBe(false);
  });
});

describe("decisions", () => {
  test("a matching DENY refuses whatever ALLOWs match", async () => {
    const { authorizer } = await authorizerOver([
      binding({ resourceName: "*", operation: ALL }),
      binding({ resourceName: "secret-", patternType: PREFIXED, permissionType: DENY, principal: "User:*" }),
    ]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "public")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "secret-plans")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "secret-plans")).toBe(true);
  });

  test("a DENY of ALL refuses every operation; one from another host does not apply", async () => {
    const { authorizer } = await authorizerOver([
      binding({ resourceName: "*", operation: ALL }),
      binding({ resourceName: "a", operation: ALL, permissionType: DENY }),
      binding({ resourceName: "b", operation: ALL, permissionType: DENY, host: "10.9.9.9" }),
    ]);
    for (const op of [READ, WRITE, DESCRIBE, ALTER_CONFIGS]) expect(authorizer.authorize(ALICE, HOST, op, TOPIC, "a")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "b")).toBe(true);
  });

  test("READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; nothing else is implied", async () => {
    const implying = [READ, WRITE, DELETE, ALTER];
    const { authorizer } = await authorizerOver([
      ...implying.map((operation) => binding({ resourceName: `t${operation}`, operation })),
      binding({ resourceName: "configs", operation: ALTER_CONFIGS }),
      binding({ resourceName: "create", operation: CREATE }),
      binding({ resourceName: "describe", operation: DESCRIBE }),
    ]);
    for (const op of implying) expect(authorizer.authorize(ALICE, HOST, DESCRIBE, TOPIC, `t${op}`)).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, DESCRIBE_CONFIGS, TOPIC, "configs")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, DESCRIBE, TOPIC, "create")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "describe")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, `t${READ}`)).toBe(false);
  });

  test("a DENY of READ does not deny DESCRIBE, which an ALLOW of WRITE implies", async () => {
    const { authorizer } = await authorizerOver([binding({ operation: WRITE }), binding({ operation: READ, permissionType: DENY })]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(false);
    expect(authorizer.authorize(ALICE, HOST, DESCRIBE, TOPIC, "orders")).toBe(true);
  });

  test("super users are allowed everything, DENY bindings included", async () => {
    const { authorizer } = await authorizerOver([binding({ principal: "User:admin", operation: ALL, permissionType: DENY })], { superUsers: ["User:admin", "User:ops"] });
    expect(authorizer.authorize("User:admin", HOST, DELETE, TOPIC, "orders")).toBe(true);
    expect(authorizer.authorize("User:ops", HOST, ALTER, ResourceType.CLUSTER, "kafka-cluster")).toBe(true);
    expect(authorizer.authorize("User:opsx", HOST, ALTER, ResourceType.CLUSTER, "kafka-cluster")).toBe(false);
  });

  test("without any binding matching the resource, allow.everyone.if.no.acl.found decides", async () => {
    const bindings = [binding({ resourceName: "orders", principal: "User:bob" })];
    const strict = (await authorizerOver(bindings)).authorizer;
    const open = (await authorizerOver(bindings, { allowEveryoneIfNoAclFound: true })).authorizer;
    expect(strict.authorize(ALICE, HOST, READ, TOPIC, "unguarded")).toBe(false);
    expect(open.authorize(ALICE, HOST, READ, TOPIC, "unguarded")).toBe(true);
    // a binding for someone else still guards the resource
    expect(open.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(false);
    expect(open.authorize("User:bob", HOST, READ, TOPIC, "orders")).toBe(true);
  });
});
