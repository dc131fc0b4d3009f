// Two brokers over one SQLite store with --authorizer acl, clients signing in with SASL as real
// users: an ACL created through one broker lets its user in through the other within the refresh
// interval, one deleted through the other shuts it out again, and a super user (ADMIN_USER) needs
// no ACL at all.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { waitFor } from "./groups-support.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
let dir: string;
let brokers: TestBroker[] = [];

const kafka = (broker: TestBroker, sasl: SASLOptions) => new Kafka({ brokers: [broker.bootstrap], sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
const admin = { mechanism: "scram-sha-256", username: "admin", password: "admin-pw" } as const;
const bob = { mechanism: "scram-sha-512", username: "bob", password: "bob-pw" } as const;
const BOB_WRITES = { resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: "User:bob", host: "*", operation: 4, permissionType: 3 };

/** What a one-record send as `sasl` through `broker` ends in: "ok" or the error's type. */
async function send(broker: TestBroker, sasl: SASLOptions, topic: string): Promise<string> {
  const producer = kafka(broker, sasl).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: "v" }] });
    return "ok";
  } catch (e) {
    // kafkajs without retries wraps the broker's error
    const error = e as { type?: string; cause?: { type?: string }; name: string };
    return String(error.cause?.type ?? error.type ?? error.name);
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-acls-brokers-"));
  const store = `sqlite://${join(dir, "store.db")}`;
  expect(Bun.spawnSync([process.execPath, MAIN, "user", "create", "bob", "--password", "bob-pw", "--storage-engine", store]).exitCode).toBe(0);
  const flags = ["--listener-url", "sasl+tcp://127.0.0.1:0", "--storage-engine", store, "--authorizer", "acl", "--acl-refresh-interval-ms", "200"];
  brokers = await Promise.all([0, 1].map(() => startBroker(flags, { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-pw" })));
  const a = kafka(brokers[0]!, admin).admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic: "orders" }, { topic: "payments" }] });
  await a.disconnect();
});

afterAll(async () => {
  for (const b of brokers) expect(await b.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

test("ACLs made through one broker apply on the other; the super user needs none", async () => {
  const [first, second] = brokers as [TestBroker, TestBroker];
  expect(await send(second, bob, "orders")).toBe("TOPIC_AUTHORIZATION_FAILED");
  expect(await send(second, admin, "payments")).toBe("ok");

  const a = kafka(first, admin).admin();
  await a.connect();
  await a.createAcls({ acl: [BOB_WRITES] as never });
  await a.disconnect();
  await waitFor("bob to be let in through the second broker", async () => (await send(second, bob, "orders")) === "ok");
  expect(await send(second, bob, "payments")).toBe("TOPIC_AUTHORIZATION_FAILED");

  const b = kafka(second, admin).admin();
  await b.connect();
  const described = await b.describeAcls({ resourceType: 2, resourcePatternType: 1, operation: 1, permissionType: 1 } as never);
  expect(described.resources).toEqual([{ resourceType: 2, resourceName: "orders", resourcePatternType: 3, acls: [{ principal: "User:bob", host: "*", operation: 4, permissionType: 3 }] }]);
  await b.deleteAcls({ filters: [BOB_WRITES] as never });
  await b.disconnect();
  await waitFor("bob to be shut out through the first broker", async () => (await send(first, bob, "orders")) === "TOPIC_AUTHORIZATION_FAILED");
}, 60_000);
