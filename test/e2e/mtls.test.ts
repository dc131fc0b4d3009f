// Mutual TLS: with --tls-ca, a TLS client must present a certificate that CA signed; its subject
// becomes the connection's principal (`User:` + the RFC 2253 distinguished name, as Kafka's default
// principal builder makes it), which the broker logs at debug as the connection authenticates.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type Issued, makeCa, type TestCa } from "../support/certs.ts";
import { handshake, logged, portOf } from "./tls-support.ts";

let ca: TestCa;
let stranger: TestCa;
let alice: Issued;
let broker: TestBroker;
let port: number;

beforeAll(async () => {
  ca = makeCa();
  stranger = makeCa("/CN=Some Other CA");
  const server = ca.issue("server", "/CN=localhost", { server: true });
  alice = ca.issue("alice", "/O=acme/OU=eng/CN=alice");
  broker = await startBroker(["--listener-url", `tls://127.0.0.1:0`, "--tls-cert", server.cert, "--tls-key", server.key, "--tls-ca", ca.cert], { LOG_LEVEL: "debug" });
  port = portOf(broker.logs(), "SSL");
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
  stranger.remove();
});

const kafka = (client: Partial<Issued>) =>
  new Kafka({
    clientId: "mtls-e2e",
    brokers: [`127.0.0.1:${port}`],
    ssl: { ca: [ca.certPem], servername: "localhost", cert: client.certPem, key: client.keyPem },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });

test("a client with a certificate the CA signed works, and is known by its subject", async () => {
  const admin = kafka(alice).admin();
  await admin.connect();
  expect(await admin.createTopics({ topics: [{ topic: "mtls" }] })).toBe(true);
  expect(await admin.listTopics()).toContain("mtls");
  await admin.disconnect();
  expect(await logged(broker.logs, (l) => l.includes("connection authenticated"))).toMatch(/DEBUG connection authenticated peer=127\.0\.0\.1 principal="User:CN=alice,OU=eng,O=acme"/);
});

const failures = (log: string) => log.split("\n").filter((l) => l.includes("TLS handshake failed")).length;

test("a client without a certificate is refused", async () => {
  const before = failures(broker.logs());
  const refused = await handshake(port, { ca: ca.certPem });
  expect(refused.ok).toBe(false);
  expect(failures(await logged(broker.logs, (l) => failures(l) > before))).toBe(before + 1);
  expect(broker.logs()).toMatch(/DEBUG TLS handshake failed peer=127\.0\.0\.1 listener=SSL:\/\/127\.0\.0\.1:\d+ error=.*PEER_DID_NOT_RETURN_A_CERTIFICATE/);
  await expect(kafka({}).admin().connect()).rejects.toThrow();
  expect(broker.running()).toBe(true);
});

test("a client whose certificate another CA signed is refused", async () => {
  const mallory = stranger.issue("mallory", "/CN=mallory");
  const before = failures(broker.logs());
  expect((await handshake(port, { ca: ca.certPem, cert: mallory.certPem, key: mallory.keyPem })).ok).toBe(false);
  // (kafkajs's retries from the test before may still be refused and logged meanwhile)
  expect(failures(await logged(broker.logs, (l) => failures(l) > before))).toBeGreaterThan(before);
  expect(broker.logs()).toMatch(/DEBUG TLS handshake failed .* error="unable to verify the first certificate"/);
  expect((await handshake(port, { ca: ca.certPem, cert: alice.certPem, key: alice.keyPem })).ok).toBe(true);
  expect(broker.logs()).not.toContain("CN=mallory");
});
