// SASL and ACLs as librdkafka 2.0.2 (kcat 1.7.1, confluent-kafka-python 1.7.0) and kafka-python
// 2.0.2 see them: SCRAM-SHA-512 over SASL_SSL with a test CA, SCRAM-SHA-256 and PLAIN over
// SASL_PLAINTEXT (kafka-python sends a v0 SaslHandshake and then raw tokens), a wrong password
// refused, and with --authorizer acl a producer without WRITE refused TOPIC_AUTHORIZATION_FAILED
// until an ACL grants it.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { portOf } from "../e2e/tls-support.ts";
import { KCAT } from "./support/kcat.ts";
import { python } from "./support/python.ts";
import { run, runOk } from "./support/run.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
let dir: string;
let ca: TestCa;
let broker: TestBroker;
let saslTls: string;
let saslPlain: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-security-compat-"));
  ca = makeCa();
  const server = ca.issue("server", "/CN=localhost", { server: true });
  const store = `sqlite://${join(dir, "store.db")}`;
  for (const user of ["alice", "mallory"]) {
    expect(Bun.spawnSync([process.execPath, MAIN, "user", "create", user, "--password", `${user}-pw`, "--storage-engine", store]).exitCode).toBe(0);
  }
  broker = await startBroker(
    ["--listener-url", "sasl+tcp://127.0.0.1:0,sasl+tls://127.0.0.1:0", "--tls-cert", server.cert, "--tls-key", server.key, "--storage-engine", store, "--authorizer", "acl", "--acl-refresh-interval-ms", "200"],
    { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-pw" },
  );
  saslPlain = `127.0.0.1:${portOf(broker.logs(), "SASL_PLAINTEXT")}`;
  saslTls = `127.0.0.1:${portOf(broker.logs(), "SASL_SSL")}`;
  // alice may do everything with topics named compat-*; mallory nothing
  const admin = new Kafka({ brokers: [saslPlain], sasl: { mechanism: "scram-sha-512", username: "admin", password: "admin-pw" }, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createAcls({
    acl: [
      { resourceType: 2, resourceName: "compat-", resourcePatternType: 4, principal: "User:alice", host: "*", operation: 2, permissionType: 3 },
      { resourceType: 3, resourceName: "*", resourcePatternType: 3, principal: "User:alice", host: "*", operation: 2, permissionType: 3 },
    ] as never,
  });
  await admin.disconnect();
  await Bun.sleep(300);
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
  rmSync(dir, { recursive: true, force: true });
});

const kcatSasl = (mechanism: string, user: string, password: string) => [
  "-X", "security.protocol=SASL_SSL", "-X", `sasl.mechanisms=${mechanism}`, "-X", `sasl.username=${user}`, "-X", `sasl.password=${password}`, "-X", `ssl.ca.location=${ca.cert}`,
];

describe("kcat over SASL_SSL with SCRAM-SHA-512", () => {
  test("produces and reads back as alice", async () => {
    const auth = kcatSasl("SCRAM-SHA-512", "alice", "alice-pw");
    await runOk([KCAT, "-b", saslTls, ...auth, "-P", "-t", "compat-kcat"], { stdin: "one\ntwo\nthree\n" });
    const { stdout } = await runOk([KCAT, "-b", saslTls, ...auth, "-C", "-t", "compat-kcat", "-o", "beginning", "-e", "-q"], { timeoutMs: 60_000 });
    expect(stdout.trim().split("\n")).toEqual(["one", "two", "three"]);
  });

  test("a wrong password fails authentication", async () => {
    const r = await run([KCAT, "-b", saslTls, ...kcatSasl("SCRAM-SHA-512", "alice", "nope"), "-L", "-m", "5"], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Authentication failed|SASL authentication error/i);
  });
});

describe("confluent-kafka over SASL", () => {
  test("SCRAM-SHA-512 over SASL_SSL and SCRAM-SHA-256 over SASL_PLAINTEXT: round trips as alice", async () => {
    const tls = await python<{ delivered: number; errors: string[]; values: string[] }>("security_client.py", "confluent_roundtrip", { bootstrap: saslTls, protocol: "SASL_SSL", mechanism: "SCRAM-SHA-512", user: "alice", password: "alice-pw", ca: ca.cert, topic: "compat-confluent-tls", count: 3 });
    expect(tls).toEqual({ delivered: 3, errors: [], values: ["v0", "v1", "v2"] });
    const plain = await python<{ values: string[] }>("security_client.py", "confluent_roundtrip", { bootstrap: saslPlain, protocol: "SASL_PLAINTEXT", mechanism: "SCRAM-SHA-256", user: "alice", password: "alice-pw", topic: "compat-confluent-plain", count: 2 });
    expect(plain.values).toEqual(["v0", "v1"]);
  });

  test("a producer without WRITE gets TOPIC_AUTHORIZATION_FAILED; an ACL then lets it in", async () => {
    const args = { bootstrap: saslTls, protocol: "SASL_SSL", mechanism: "SCRAM-SHA-512", user: "mallory", password: "mallory-pw", ca: ca.cert, topic: "compat-mallory" };
    expect(await python("security_client.py", "confluent_produce", args)).toEqual({ error: "TOPIC_AUTHORIZATION_FAILED" });
    const admin = new Kafka({ brokers: [saslPlain], sasl: { mechanism: "plain", username: "admin", password: "admin-pw" }, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createAcls({ acl: [{ resourceType: 2, resourceName: "compat-mallory", resourcePatternType: 3, principal: "User:mallory", host: "*", operation: 2, permissionType: 3 }] as never });
    await admin.disconnect();
    await Bun.sleep(400);
    expect(await python("security_client.py", "confluent_produce", args)).toEqual({ error: null });
  });
});

describe("kafka-python over SASL_PLAINTEXT", () => {
  test.each(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])("%s: round trip as alice", async (mechanism) => {
    const topic = `compat-kafka-python-${mechanism.toLowerCase()}`;
    const r = await python<{ values: string[] }>("security_client.py", "kafka_python_roundtrip", { bootstrap: saslPlain, protocol: "SASL_PLAINTEXT", mechanism, user: "alice", password: "alice-pw", topic, count: 2 });
    expect(r.values).toEqual(["v0", "v1"]);
  });
});
