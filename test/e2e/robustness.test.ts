import { afterAll, beforeAll, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { fetchAll } from "./kafkajs-support.ts";
import { expectExactly, makeRecords } from "./records.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker(["--num-partitions", "1"]);
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

/** Opens a raw connection, sends `bytes`, and resolves when the broker closes it (or after `ms`). */
async function misbehave(bytes: Uint8Array, ms: number, disconnect: boolean): Promise<"closed-by-broker" | "still-open"> {
  let closed = false;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: broker.port,
    socket: {
      data() {},
      close() {
        closed = true;
      },
    },
  });
  socket.write(bytes);
  if (disconnect) {
    socket.end();
    return "still-open";
  }
  const deadline = Date.now() + ms;
  while (!closed && Date.now() < deadline) await Bun.sleep(10);
  socket.end();
  return closed ? "closed-by-broker" : "still-open";
}

const frame = (size: number, body: number[]): Uint8Array => {
  const b = new Uint8Array(4 + body.length);
  new DataView(b.buffer).setInt32(0, size);
  b.set(body, 4);
  return b;
};

test("garbage, half frames and a 2 GiB length prefix do not disturb a producing client", async () => {
  const kafka = new Kafka({ clientId: "robust", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const records = makeRecords(3000, 0, 1);
  const producing = (async () => {
    for (let i = 0; i < records.length; i += 100) {
      await producer.send({ topic: "robust", acks: -1, messages: records.slice(i, i + 100).map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: String(r.timestamp), partition: 0 })) });
    }
  })();
  const attacks = await Promise.all([
    // a plausible size followed by bytes that are no request: unknown API key 0x7777
    misbehave(frame(12, [0x77, 0x77, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]), 2000, false),
    // random bytes
    misbehave(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256), 2000, false),
    // a 2 GiB length prefix (beyond socket.request.max.bytes)
    misbehave(frame(0x7fffffff, [0, 18, 0, 3]), 2000, false),
    // a negative length
    misbehave(frame(-5, []), 2000, false),
    // half a frame, then the client goes away
    misbehave(frame(100, [0, 18, 0, 3, 0, 0, 0, 9]), 0, true),
  ]);
  await producing;
  await producer.disconnect();
  expect(attacks.slice(0, 4)).toEqual(["closed-by-broker", "closed-by-broker", "closed-by-broker", "closed-by-broker"]);
  expectExactly(records, await fetchAll(kafka, "robust", [0]));
  // the broker still answers new clients
  const admin = kafka.admin();
  await admin.connect();
  expect(await admin.listTopics()).toContain("robust");
  await admin.disconnect();
});
