// A broker with plaintext and TLS listeners at once (and the SASL ones' transports): kafkajs and @platformatic/kafka produce and
// consume over TLS, each listener answers its own port in Metadata, and a plaintext client on the
// TLS port is closed without troubling the broker.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Admin } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { boundListeners, handshake, logged, platformaticRoundTrip, portOf } from "./tls-support.ts";

let ca: TestCa;
let broker: TestBroker;
let tlsPort: number;

const kafkajs = (port: number, ssl: boolean) =>
  new Kafka({
    clientId: "tls-e2e",
    brokers: [`127.0.0.1:${port}`],
    ssl: ssl ? { ca: [ca.certPem], servername: "localhost" } : false,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50 },
  });

beforeAll(async () => {
  ca = makeCa();
  const server = ca.issue("server", "/CN=localhost", { server: true });
  broker = await startBroker(
    ["--listener-url", "tcp://127.0.0.1:0,tls://127.0.0.1:0,sasl+tcp://127.0.0.1:0,sasl+tls://127.0.0.1:0", "--tls-cert", server.cert, "--tls-key", server.key, "--group-initial-rebalance-delay-ms", "0"],
    { LOG_LEVEL: "debug" },
  );
  tlsPort = portOf(broker.logs(), "SSL");
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
});

describe("plaintext and TLS listeners", () => {
  test("the start line lists every listener and what each advertises", () => {
    const [plain, tls, saslPlain, saslTls] = boundListeners(broker.logs()).map((l) => l.port);
    expect(plain).toBe(broker.port);
    expect(tls).toBe(tlsPort);
    expect(new Set([plain, tls, saslPlain, saslTls]).size).toBe(4);
    const list = `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${tls},SASL_PLAINTEXT://127.0.0.1:${saslPlain},SASL_SSL://127.0.0.1:${saslTls}`;
    expect(broker.logs()).toContain(`listeners=${list} advertisedListeners=${list}`);
  });

  test("tls:// and sasl+tls:// listeners present the server certificate; sasl+tcp:// speaks no TLS", async () => {
    expect(await handshake(tlsPort, { ca: ca.certPem })).toMatchObject({ ok: true, subject: "localhost" });
    expect(await handshake(portOf(broker.logs(), "SASL_SSL"), { ca: ca.certPem })).toMatchObject({ ok: true, subject: "localhost" });
    expect((await handshake(portOf(broker.logs(), "SASL_PLAINTEXT"), { ca: ca.certPem })).ok).toBe(false);
  });

  test("Metadata through each listener names that listener's advertised port", async () => {
    for (const [port, ssl] of [[broker.port, false], [tlsPort, true]] as const) {
      const admin = kafkajs(port, ssl).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 111, host: "127.0.0.1", port }]);
      await admin.disconnect();
    }
  });

  test("kafkajs produces and consumes in a group over TLS", async () => {
    const kafka = kafkajs(tlsPort, true);
    const topic = "tls-kafkajs";
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const values = ["one", "two", "three", "four"];
    await producer.send({ topic, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    await producer.disconnect();
    // the group's coordinator is found through the TLS listener too
    const consumer = kafka.consumer({ groupId: "tls-group", sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value?.toString() ?? "");
          if (seen.length === values.length) resolve();
        },
      });
    });
    await all;
    await consumer.disconnect();
    expect(seen.sort()).toEqual([...values].sort());
  });

  test("@platformatic/kafka produces and consumes over TLS", async () => {
    const base = { clientId: "tls-platformatic", bootstrapBrokers: [`127.0.0.1:${tlsPort}`], tls: { ca: ca.certPem }, tlsServerName: "localhost", retries: 3, retryDelay: 50 };
    const topic = "tls-platformatic";
    const admin = new Admin(base);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const metadata = await admin.metadata({ topics: [topic] });
    expect([...metadata.brokers.values()]).toEqual([{ host: "127.0.0.1", port: tlsPort, rack: null }]);
    await admin.close();
    expect(await platformaticRoundTrip(base, topic)).toEqual(["alpha", "beta"]);
  });

  test("a plaintext Kafka client on the TLS port is closed with one debug line; the broker still serves", async () => {
    const failures = () => broker.logs().split("\n").filter((l) => l.includes("TLS handshake failed")).length;
    const before = failures();
    const received: number[] = [];
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    const socket = await Bun.connect({ hostname: "127.0.0.1", port: tlsPort, socket: { data: (_s, d) => void received.push(...d), close: () => closed() } });
    // ApiVersions v0, correlation id 7, client id "raw"
    socket.write(new Uint8Array([0, 0, 0, 13, 0, 18, 0, 0, 0, 0, 0, 7, 0, 3, 0x72, 0x61, 0x77]));
    await gone;
    // no Kafka answer came back: at most a TLS alert record (content type 21)
    expect(received.length === 0 || received[0] === 21).toBe(true);
    await logged(broker.logs, () => failures() > before);
    expect(failures()).toBe(before + 1);
    expect(broker.logs()).toMatch(/DEBUG TLS handshake failed peer=127\.0\.0\.1 listener=SSL:\/\/127\.0\.0\.1:\d+ error=/);
    expect(broker.running()).toBe(true);
    for (const [port, ssl] of [[broker.port, false], [tlsPort, true]] as const) {
      const admin = kafkajs(port, ssl).admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain("tls-kafkajs");
      await admin.disconnect();
    }
  });
});
