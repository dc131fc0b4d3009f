// `tansu proxy` when things go wrong: a malformed frame closes only its own client connection; an
// upstream that is gone or silent fails client requests promptly (never a hang), and the proxy
// recovers once the upstream is back; a bootstrap broker that is down is skipped; a node id beyond
// --max-node-id is left out of every answer.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { Kafka, logLevel } from "kafkajs";
import { KafkaClient } from "../../src/client/index.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { FindCoordinatorApi } from "../../src/protocol/generated/find-coordinator.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startProxy, type TestProxy } from "./support.ts";

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/** Sends `bytes` on a fresh connection and resolves with how long until the proxy closed it. */
async function closedAfter(port: number, bytes: Uint8Array): Promise<number> {
  const start = performance.now();
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, close: () => closed() } });
  socket.write(bytes);
  await done;
  return performance.now() - start;
}

const frame = (...bytes: number[]) => Uint8Array.from(bytes);

/** A request frame: size, API key, version, correlation id, client id "x", then `body`. */
function request(apiKey: number, apiVersion: number, body: number[] = []): Uint8Array {
  const inner = [apiKey >> 8, apiKey & 0xff, 0, apiVersion, 0, 0, 0, 1, 0, 1, 0x78, ...body];
  return frame(0, 0, 0, inner.length, ...inner);
}

describe("malformed client frames", () => {
  let broker: TestBroker;
  let proxy: TestProxy;
  beforeAll(async () => {
    broker = await startBroker(["--node-id", "1"]);
    proxy = await startProxy(broker.bootstrap);
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    expect(await broker.stop()).toBe(0);
  });

  test("each closes only its own connection; another client on the same upstream connection carries on", async () => {
    const client = await KafkaClient.connect(proxy.bootstrap);
    try {
      expect((await client.metadata(null)).brokers.length).toBe(1);
      const cases: [string, Uint8Array][] = [
        ["a negative size", frame(0xff, 0xff, 0xff, 0xfb, 1, 2, 3)],
        ["a frame shorter than a request header", frame(0, 0, 0, 3, 0, 3, 0)],
        ["an API key the proxy does not carry", request(999, 0)],
        ["a version above the proxy's range", request(3, 99)],
        ["SASL, which shared upstream connections cannot carry", request(17, 1, [0, 5, 0x50, 0x4c, 0x41, 0x49, 0x4e])],
        ["a client id longer than the frame", frame(0, 0, 0, 10, 0, 3, 0, 1, 0, 0, 0, 1, 0, 50)],
      ];
      for (const [what, bytes] of cases) {
        const ms = await closedAfter(proxy.port, bytes);
        expect(ms, what).toBeLessThan(2000);
      }
      // the proxy kept one upstream connection for all of them, and it still works
      expect((await client.metadata(null)).brokers.length).toBe(1);
      expect(proxy.logs()).not.toContain("upstream connection closed");
      expect(proxy.logs().match(/closing client connection/g)?.length).toBe(cases.length);
    } finally {
      await client.close();
    }
  });
});

describe("an upstream that goes away", () => {
  let broker: TestBroker;
  let proxy: TestProxy;
  let port: number;
  beforeAll(async () => {
    port = closedPort();
    broker = await startBroker(["--node-id", "1", "--listener-url", `tcp://127.0.0.1:${port}`]);
    proxy = await startProxy(broker.bootstrap, ["--request-timeout-ms", "3000", "--connect-timeout-ms", "1000"]);
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    if (broker.running()) await broker.stop();
  });

  test("fails requests promptly while it is down, and is used again once it is back", async () => {
    const client = await KafkaClient.connect(proxy.bootstrap, { requestTimeoutMs: 20_000 });
    const nodePort = (await client.metadata(null)).brokers[0]!.port;
    const kafka = new Kafka({ clientId: "faults", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, requestTimeout: 20_000 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "faults", messages: [{ value: "before" }] });

    await broker.stop();
    const since = performance.now();
    await expect(client.metadata(null)).rejects.toThrow();
    await expect(KafkaClient.connect(proxy.bootstrap)).rejects.toThrow();
    await expect(KafkaClient.connect(`127.0.0.1:${nodePort}`)).rejects.toThrow();
    await expect(producer.send({ topic: "faults", messages: [{ value: "while down" }] })).rejects.toThrow();
    expect(performance.now() - since).toBeLessThan(5000);
    await producer.disconnect().catch(() => {});
    await client.close();

    broker = await startBroker(["--node-id", "1", "--listener-url", `tcp://127.0.0.1:${port}`]);
    const again = await KafkaClient.connect(proxy.bootstrap);
    try {
      expect((await again.metadata(null)).brokers.map((b) => b.port)).toEqual([nodePort]);
    } finally {
      await again.close();
    }
    const producerAgain = new Kafka({ clientId: "faults-again", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producerAgain.connect();
    await producerAgain.send({ topic: "faults", messages: [{ value: "after" }] });
    await producerAgain.disconnect();
  }, 60_000);
});

describe("an upstream that accepts connections and never answers", () => {
  let silent: TCPSocketListener<undefined>;
  let proxy: TestProxy;
  const sockets: Socket<undefined>[] = [];
  beforeAll(async () => {
    silent = Bun.listen<undefined>({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void sockets.push(s), data() {} } });
    proxy = await startProxy(`127.0.0.1:${silent.port}`, ["--request-timeout-ms", "500"]);
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    silent.stop(true);
  });

  test("closes the client connection once the request timeout passes", async () => {
    const since = performance.now();
    await expect(KafkaClient.connect(proxy.bootstrap, { requestTimeoutMs: 20_000 })).rejects.toThrow();
    const ms = performance.now() - since;
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3000);
    expect(sockets.length).toBeGreaterThan(0);
  });
});

describe("bootstrap brokers and node ids", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker(["--node-id", "5"]);
  });
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("a bootstrap broker that is down is skipped", async () => {
    const proxy = await startProxy(`127.0.0.1:${closedPort()},${broker.bootstrap}`);
    try {
      for (let i = 0; i < 3; i++) {
        const client = await KafkaClient.connect(proxy.bootstrap);
        expect((await client.metadata(null)).brokers.map((b) => b.nodeId)).toEqual([5]);
        await client.close();
      }
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });

  test("a node id above --max-node-id is left out of every answer, with one error logged", async () => {
    const proxy = await startProxy(broker.bootstrap, ["--max-node-id", "4"]);
    try {
      const client = await KafkaClient.connect(proxy.bootstrap);
      try {
        expect((await client.metadata(null)).brokers).toEqual([]);
        expect((await client.metadata(null)).brokers).toEqual([]);
        const v3 = await client.request(FindCoordinatorApi, () => ({ key: "g", keyType: 0, coordinatorKeys: [] }), { maxVersion: 3 });
        expect([v3.errorCode, v3.nodeId, v3.host, v3.port]).toEqual([ErrorCodes.COORDINATOR_NOT_AVAILABLE, -1, "", -1]);
        const v4 = await client.request(FindCoordinatorApi, () => ({ key: "", keyType: 0, coordinatorKeys: ["g"] }));
        expect(v4.coordinators.map((c) => [c.errorCode, c.nodeId, c.host, c.port])).toEqual([[ErrorCodes.COORDINATOR_NOT_AVAILABLE, -1, "", -1]]);
      } finally {
        await client.close();
      }
      const errors = proxy.logs().split("\n").filter((l) => l.includes("ERROR"));
      expect(errors.length).toBe(1);
      expect(errors[0]).toContain("upstream node left out");
      expect(errors[0]).toContain("node=5");
      expect(errors[0]).toContain("0..4 (--max-node-id)");
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});
