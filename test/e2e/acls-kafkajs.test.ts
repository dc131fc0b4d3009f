// ACLs end to end with kafkajs 2.2.4 against broker processes started with --authorizer acl on the
// memory engine. Until SASL exists every client is User:ANONYMOUS, so the matrix is built from
// bindings for that principal (and for others, to guard resources without granting them): ALLOW
// and denied, PREFIXED, DENY over ALLOW, Metadata hiding, consumer groups' READ, super users and
// allow.everyone.if.no.acl.found, all through kafkajs's createAcls, describeAcls and deleteAcls.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";

const ANONYMOUS = "User:ANONYMOUS";

interface Acl {
  resourceType: AclResourceTypes;
  resourceName: string;
  resourcePatternType: ResourcePatternTypes;
  principal: string;
  host: string;
  operation: AclOperationTypes;
  permissionType: AclPermissionTypes;
}

const acl = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, permissionType: AclPermissionTypes, more: Partial<Acl> = {}): Acl => ({
  resourceType,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: ANONYMOUS,
  host: "*",
  operation,
  permissionType,
  ...more,
});

/** The Kafka error names anywhere in a kafkajs error's chain. */
function errorTypes(e: unknown, depth = 0): string[] {
  if (typeof e !== "object" || e === null || depth > 5) return [];
  const r = e as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  const own = typeof r.type === "string" ? [r.type] : [];
  const nested = Array.isArray(r.errors) ? r.errors : [];
  return [...own, ...[r.cause, r.originalError, ...nested].flatMap((x) => errorTypes(x, depth + 1))];
}

async function failure(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (e) {
    return errorTypes(e);
  }
  throw new Error("expected the request to fail");
}

interface Client {
  kafka: Kafka;
  admin: Admin;
}

async function client(broker: TestBroker): Promise<Client> {
  const kafka = new Kafka({ clientId: "acl-e2e", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  await admin.connect();
  return { kafka, admin };
}

async function produce(c: Client, topic: string, value: string): Promise<void> {
  const producer = c.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

/** The first value a consumer of `groupId` reads from `topic`, or the error types it crashed with. */
async function consumeOne(c: Client, topic: string, groupId: string): Promise<{ value: string } | { crashed: string[] }> {
  const consumer = c.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 0 } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing consumed from ${topic} by ${groupId}`)), 20_000);
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        resolve({ crashed: errorTypes(payload.error) });
      });
      void (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({ value: message.value?.toString() ?? "" });
          },
        });
      })().catch((e: unknown) => {
        clearTimeout(timer);
        resolve({ crashed: errorTypes(e) });
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe("--authorizer acl --allow-everyone-if-no-acl-found", () => {
  let broker: TestBroker;
  let c: Client;
  beforeAll(async () => {
    broker = await startBroker(["--authorizer", "acl", "--allow-everyone-if-no-acl-found", "--group-initial-rebalance-delay-ms", "0"]);
    c = await client(broker);
  });
  afterAll(async () => {
    await c.admin.disconnect();
    expect(await broker.stop()).toBe(0);
  });

  test("a resource no ACL matches is open to everyone", async () => {
    expect(await c.admin.createTopics({ topics: [{ topic: "free" }] })).toBe(true);
    await produce(c, "free", "hello");
    expect(await consumeOne(c, "free", "free-readers")).toEqual({ value: "hello" });
  });

  test("an ALLOW grants just its operation: WRITE (and the DESCRIBE it implies) but not READ", async () => {
    await c.admin.createTopics({ topics: [{ topic: "ledger" }] });
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, "ledger", AclOperationTypes.WRITE, AclPermissionTypes.ALLOW)] });
    await produce(c, "ledger", "entry");
    expect(await consumeOne(c, "ledger", "ledger-readers")).toEqual({ crashed: expect.arrayContaining(["TOPIC_AUTHORIZATION_FAILED"]) });
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, "ledger", AclOperationTypes.READ, AclPermissionTypes.ALLOW)] });
    expect(await consumeOne(c, "ledger", "ledger-readers")).toEqual({ value: "entry" });
  });

  test("a DENY beats an ALLOW", async () => {
    await c.admin.createTopics({ topics: [{ topic: "guarded" }] });
    await c.admin.createAcls({
      acl: [
        acl(AclResourceTypes.TOPIC, "guarded", AclOperationTypes.ALL, AclPermissionTypes.ALLOW, { principal: "User:*" }),
        acl(AclResourceTypes.TOPIC, "guarded", AclOperationTypes.WRITE, AclPermissionTypes.DENY),
      ],
    });
    expect(await failure(produce(c, "guarded", "no"))).toContain("TOPIC_AUTHORIZATION_FAILED");
    const described = await c.admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: "guarded",
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(described.resources.flatMap((r) => r.acls.map((a) => `${a.principal} ${a.operation} ${a.permissionType}`)).sort()).toEqual([
      `User:* ${AclOperationTypes.ALL} ${AclPermissionTypes.ALLOW}`,
      `${ANONYMOUS} ${AclOperationTypes.WRITE} ${AclPermissionTypes.DENY}`,
    ]);
  });

  test("a PREFIXED DENY hides the topics it covers from Metadata; deleting it shows them again", async () => {
    await c.admin.createTopics({ topics: [{ topic: "secret-plans" }, { topic: "secretive" }] });
    const prefixed = acl(AclResourceTypes.TOPIC, "secret-", AclOperationTypes.ALL, AclPermissionTypes.DENY, { resourcePatternType: ResourcePatternTypes.PREFIXED });
    await c.admin.createAcls({ acl: [prefixed] });
    const listed = await c.admin.listTopics();
    expect(listed).toContain("secretive");
    expect(listed).not.toContain("secret-plans");
    expect(await failure(c.admin.fetchTopicMetadata({ topics: ["secret-plans"] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    await produce(c, "secretive", "fine");
    const deleted = await c.admin.deleteAcls({ filters: [{ ...prefixed }] });
    expect(deleted.filterResponses[0]?.matchingAcls.map((a) => a.resourceName)).toEqual(["secret-"]);
    expect(await c.admin.listTopics()).toContain("secret-plans");
  });

  test("a consumer group needs READ on the group, not just the DESCRIBE that finds its coordinator", async () => {
    await c.admin.createTopics({ topics: [{ topic: "jobs" }] });
    await produce(c, "jobs", "job-1");
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.GROUP, "workers", AclOperationTypes.DESCRIBE, AclPermissionTypes.ALLOW)] });
    expect(await consumeOne(c, "jobs", "workers")).toEqual({ crashed: expect.arrayContaining(["GROUP_AUTHORIZATION_FAILED"]) });
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.GROUP, "workers", AclOperationTypes.READ, AclPermissionTypes.ALLOW)] });
    expect(await consumeOne(c, "jobs", "workers")).toEqual({ value: "job-1" });
  });

  test("once an ACL guards the cluster, managing ACLs needs ALTER on it", async () => {
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.CLUSTER, "kafka-cluster", AclOperationTypes.ALTER, AclPermissionTypes.ALLOW, { principal: "User:admin" })] });
    const refused = c.admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, "free", AclOperationTypes.ALL, AclPermissionTypes.ALLOW)] });
    expect(await failure(refused)).toContain("CLUSTER_AUTHORIZATION_FAILED");
  });
});

describe("--authorizer acl without a matching ACL", () => {
  let broker: TestBroker;
  let c: Client;
  beforeAll(async () => {
    broker = await startBroker(["--authorizer", "acl"]);
    c = await client(broker);
  });
  afterAll(async () => {
    await c.admin.disconnect();
    expect(await broker.stop()).toBe(0);
  });

  test("everything is denied: topics are hidden, produce and ACL changes are refused", async () => {
    expect(await c.admin.listTopics()).toEqual([]);
    expect(await failure(produce(c, "anything", "x"))).toContain("TOPIC_AUTHORIZATION_FAILED");
    expect(await failure(c.admin.createTopics({ topics: [{ topic: "new" }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    expect(await failure(c.admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, "*", AclOperationTypes.ALL, AclPermissionTypes.ALLOW)] }))).toContain("CLUSTER_AUTHORIZATION_FAILED");
  });
});

describe("--authorizer acl --super-users User:ANONYMOUS", () => {
  let broker: TestBroker;
  let c: Client;
  beforeAll(async () => {
    broker = await startBroker(["--authorizer", "acl", "--super-users", `User:admin;${ANONYMOUS}`, "--group-initial-rebalance-delay-ms", "0"]);
    c = await client(broker);
  });
  afterAll(async () => {
    await c.admin.disconnect();
    expect(await broker.stop()).toBe(0);
  });

  test("a super user is allowed everything, whatever the ACLs deny", async () => {
    await c.admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, "*", AclOperationTypes.ALL, AclPermissionTypes.DENY), acl(AclResourceTypes.GROUP, "*", AclOperationTypes.ALL, AclPermissionTypes.DENY)] });
    expect(await c.admin.createTopics({ topics: [{ topic: "root" }] })).toBe(true);
    await produce(c, "root", "all mine");
    expect(await consumeOne(c, "root", "roots")).toEqual({ value: "all mine" });
  });
});
