// A client cannot hold the proxy's resources: connections idle past connections.max.idle.ms and
// request frames that never finish are closed, and connections beyond max.connections.per.ip are
// closed as they open — as the broker does.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { KafkaClient } from "../../src/client/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startProxy, type TestProxy } from "./support.ts";

let broker: TestBroker;
let proxy: TestProxy;
beforeAll(async () => {
  broker = await startBroker(["--node-id", "1"]);
  proxy = await startProxy(broker.bootstrap, ["--connections-max-idle-ms", "1500", "--request-frame-timeout-ms", "1500", "--max-connections-per-ip", "3"]);
});
afterAll(async () => {
  expect(await proxy.stop()).toBe(0);
  expect(await broker.stop()).toBe(0);
});

/** A raw connection to the proxy, with a promise that resolves when the proxy closes it. */
async function connect(): Promise<{ write(bytes: Uint8Array): void; end(): void; closed: Promise<void> }> {
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket = await Bun.connect({ hostname: "127.0.0.1", port: proxy.port, socket: { data() {}, close: () => closed() } });
  return { write: (b) => socket.write(b), end: () => socket.end(), closed: done };
}

test("an idle connection and a frame that never completes are closed, each with its reason", async () => {
  const idle = await connect();
  await idle.closed;
  const trickle = await connect();
  // the size prefix of a 100-byte frame and 3 bytes of it
  trickle.write(Uint8Array.of(0, 0, 0, 100, 0, 18, 0));
  await trickle.closed;
  await Bun.sleep(50);
  expect(proxy.logs()).toContain('reason="idle for 1500 ms"');
  expect(proxy.logs()).toMatch(/reason="request frame not complete after 1500 ms \(\d+ bytes received\)"/);
  // a client that keeps talking is not idle
  const client = await KafkaClient.connect(proxy.bootstrap);
  try {
    for (let i = 0; i < 4; i++) {
      expect((await client.metadata(null)).brokers.length).toBe(1);
      await Bun.sleep(600);
    }
  } finally {
    await client.close();
  }
});

test("connections beyond max.connections.per.ip are closed as they open; a place freed is taken again", async () => {
  const held = await Promise.all([connect(), connect(), connect()]);
  const fourth = await connect();
  await fourth.closed;
  await Bun.sleep(50);
  expect(proxy.logs()).toContain('reason="max.connections.per.ip 3 reached for 127.0.0.1"');
  held[0]!.end();
  await held[0]!.closed;
  await Bun.sleep(50);
  const client = await KafkaClient.connect(proxy.bootstrap);
  try {
    expect((await client.metadata(null)).brokers.length).toBe(1);
  } finally {
    await client.close();
    for (const h of held) h.end();
  }
});
