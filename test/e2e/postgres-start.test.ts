// A broker started against PostgreSQL that cannot be reached: by default one line and exit 1;
// with --wait-for-storage it keeps retrying with backoff and serves once the database is up.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { startBroker } from "../support/broker.ts";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../support/postgres.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

let server: EmbeddedServer;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ settings: { fsync: "off" } });
});
afterAll(async () => {
  await server.stop();
});

async function waitFor(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test("an unreachable database at start: one line naming it, exit 1", async () => {
  const url = `postgres://postgres:postgres@127.0.0.1:${freePort()}/tansu`;
  const proc = Bun.spawn([process.execPath, MAIN, "broker", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--storage-engine", url], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    env: { ...process.env, LOG_LEVEL: "error" },
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  expect(code).toBe(1);
  const lines = stderr.trim().split("\n");
  expect(lines.length).toBe(1);
  expect(lines[0]).toStartWith("tansu: ");
  expect(lines[0]).toContain("cannot open postgres://postgres@127.0.0.1:"); // without the password
  expect(lines[0]).toContain("ECONNREFUSED");
});

test("--wait-for-storage retries until the database is up, then serves", async () => {
  const url = new URL(server.url.href);
  let down = false;
  const restarting = server.restart(2_000, () => {
    down = true;
  });
  await waitFor("the database to stop", () => down);
  const broker = await startBroker(["--storage-engine", url.href, "--wait-for-storage"]);
  try {
    await waitFor("a retry", () => broker.logs().includes("storage unreachable, retrying"));
    await restarting;
    await waitFor("storage to open", () => broker.logs().includes("storage open"));
    const kafka = new Kafka({ clientId: "wait-for-storage", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const [sent] = await producer.send({ topic: "after-wait", acks: -1, messages: [{ value: "stored" }] });
    await producer.disconnect();
    expect(sent).toMatchObject({ errorCode: 0, baseOffset: "0" });
  } finally {
    expect(await broker.stop()).toBe(0);
  }
});
