// Scale to zero and back on a durable engine (SQLite in a temporary file): a broker that is killed
// and started again serves what it acknowledged before, and one stopped with SIGTERM in the middle
// of a produce stream loses no acknowledged record. scripts/scale-to-zero.sh does the round trip
// with the CLI.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { fetchAll } from "./kafkajs-support.ts";

const dir = mkdtempSync(join(tmpdir(), "tansu-scale-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kafkaFor = (broker: TestBroker, clientId: string, retries = 5) =>
  new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 50, maxRetryTime: 200 } });

test("produce, SIGKILL, start again: a consumer reads the message", async () => {
  const storage = `sqlite://${join(dir, "kill.db")}`;
  const first = await startBroker(["--storage-engine", storage]);
  const producer = kafkaFor(first, "before").producer();
  await producer.connect();
  await producer.send({ topic: "wake-up", acks: -1, messages: [{ key: "k", value: "sent before the machine stopped" }] });
  await producer.disconnect();
  expect(await first.kill("SIGKILL")).not.toBe(0);

  const second = await startBroker(["--storage-engine", storage, "--group-initial-rebalance-delay-ms", "0"]);
  try {
    const consumer = kafkaFor(second, "after").consumer({ groupId: "wake-up-readers", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: "wake-up", fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    await consumer.disconnect();
    expect(value).toBe("sent before the machine stopped");
  } finally {
    expect(await second.stop()).toBe(0);
  }
}, 60_000);

test("SIGTERM in the middle of a produce stream loses no acknowledged record", async () => {
  const storage = `sqlite://${join(dir, "term.db")}`;
  const broker = await startBroker(["--storage-engine", storage]);
  const kafka = kafkaFor(broker, "stream", 0);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "stream", numPartitions: 2 }] });
  await admin.disconnect();

  const acknowledged: string[] = [];
  let failed = 0;
  // four producers, each with one request in flight at a time, until the broker goes away
  const streams = [0, 1, 2, 3].map(async (s) => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    for (let i = 0; ; i++) {
      const values = Array.from({ length: 10 }, (_, j) => `${s}-${i}-${j}`);
      try {
        await producer.send({ topic: "stream", acks: -1, messages: values.map((value, j) => ({ value, partition: j % 2 })) });
      } catch {
        failed++;
        break;
      }
      acknowledged.push(...values);
    }
    await producer.disconnect().catch(() => undefined);
  });
  while (acknowledged.length < 2_000) await Bun.sleep(5);
  const atSignal = acknowledged.length;
  expect(await broker.stop()).toBe(0);
  await Promise.all(streams);
  expect(failed).toBe(4);
  expect(acknowledged.length).toBeGreaterThanOrEqual(atSignal);

  const again = await startBroker(["--storage-engine", storage]);
  try {
    const stored = new Set((await fetchAll(kafkaFor(again, "check"), "stream", [0, 1])).map((r) => r.value));
    expect(acknowledged.filter((v) => !stored.has(v))).toEqual([]);
  } finally {
    expect(await again.stop()).toBe(0);
  }
}, 60_000);

test("scripts/scale-to-zero.sh: produce, stop, start, consume with the CLI", async () => {
  const script = Bun.spawn(["bash", join(import.meta.dir, "..", "..", "scripts", "scale-to-zero.sh")], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(script.stdout).text(), new Response(script.stderr).text(), script.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(out).toContain("round trip ok");
}, 60_000);
