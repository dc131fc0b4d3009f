// Broker processes on the S3 engine (the project's test S3 server, with injected faults): three
// brokers and six idempotent kafkajs producers writing one partition at once, a reader following
// it through a fourth connection; then a broker SIGKILLed in the middle of a commit, after which
// the others still read and write the partition.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { fetchRecords, KafkaClient, produce, topicPartitions } from "../../src/client/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { startS3Server, type S3Server } from "../support/s3-server/index.ts";

const TOPIC = "s3-shared";
const PRODUCERS = 6;
const SENDS = 15;
const PER_SEND = 4;

let s3: S3Server;
let brokers: TestBroker[] = [];
let storage: string;
const env = (accessKeyId: string) => ({
  AWS_ENDPOINT: s3.endpoint,
  AWS_ALLOW_HTTP: "true",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: accessKeyId,
  AWS_SECRET_ACCESS_KEY: "secret",
});
const kafkaFor = (bootstrap: string, clientId: string) =>
  new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 } });
const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

beforeAll(async () => {
  s3 = startS3Server({ buckets: ["tansu"] });
  storage = `s3://tansu/e2e-${Date.now().toString(36)}`;
  brokers = await Promise.all([0, 1, 2].map((i) => startBroker(["--storage-engine", storage], env(`broker-${i}`))));
  const admin = kafkaFor(brokers[0]!.bootstrap, "admin").admin();
  await admin.connect();
  expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] })).toBe(true);
  await admin.disconnect();
});

afterAll(async () => {
  for (const b of brokers) expect(await b.stop()).toBe(0);
  await s3.stop();
});

/** Every record of the partition through `bootstrap`, checking offsets go 0, 1, 2 … without a gap. */
async function readPartition(bootstrap: string): Promise<string[]> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    const { partitions } = await topicPartitions(client, TOPIC);
    const leader = partitions[0]?.leader ?? 0;
    const values: string[] = [];
    for (let offset = 0n, empty = 0; empty < 2; ) {
      const result = await fetchRecords(client, TOPIC, [{ partition: 0, leader, offset }], { maxWaitMs: 50 });
      for (const r of result.records) {
        expect(r.offset).toBe(values.length);
        values.push(text(r.value));
      }
      offset = result.positions.get(0) ?? offset;
      empty = result.records.length === 0 ? empty + 1 : 0;
    }
    return values;
  } finally {
    await client.close();
  }
}

test(`${PRODUCERS} idempotent producers on 3 brokers, one partition, S3 faults: each acknowledged record once, no gaps`, async () => {
  s3.faults.set({ latencyMs: 2, jitterMs: 5, errorRate: 0.02, preconditionStormRate: 0.05, dropBeforeRate: 0.01, dropAfterRate: 0.02 });
  let following = true;
  const followed: string[] = [];
  const follower = (async () => {
    const client = await KafkaClient.connect(brokers[2]!.bootstrap);
    const leader = (await topicPartitions(client, TOPIC)).partitions[0]?.leader ?? 0;
    let offset = 0n;
    while (following) {
      const result = await fetchRecords(client, TOPIC, [{ partition: 0, leader, offset }], { maxWaitMs: 100 }).catch(() => null);
      if (result === null) await Bun.sleep(10);
      for (const r of result?.records ?? []) {
        expect(r.offset).toBe(followed.length);
        followed.push(text(r.value));
      }
      offset = result?.positions.get(0) ?? offset;
    }
    await client.close();
  })();

  const acknowledged: string[] = [];
  await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, p) => {
      const producer = kafkaFor(brokers[p % 3]!.bootstrap, `producer-${p}`).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      for (let s = 0; s < SENDS; s++) {
        const values = Array.from({ length: PER_SEND }, (_, i) => `p${p}-s${s}-r${i}`);
        await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
        acknowledged.push(...values);
      }
      await producer.disconnect();
    }),
  );
  s3.faults.clear();
  await Bun.sleep(300);
  following = false;
  await follower;

  const stored = await readPartition(brokers[1]!.bootstrap);
  expect(stored.length).toBe(PRODUCERS * SENDS * PER_SEND);
  expect(new Set(stored).size).toBe(stored.length);
  expect([...stored].sort()).toEqual([...acknowledged].sort());
  expect(followed).toEqual(stored);
}, 120_000);

test("a broker SIGKILLed mid-commit leaves the partition readable and writable through the others", async () => {
  const before = (await readPartition(brokers[0]!.bootstrap)).length;
  // The victim signs with its own access key, so its requests can be told apart at the server.
  const victim = Bun.spawn(
    [process.execPath, join(import.meta.dir, "..", "..", "src", "main.ts"), "broker", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--storage-engine", storage],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env("victim"), LOG_LEVEL: "info" } },
  );
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    void (async () => {
      for await (const chunk of victim.stderr) {
        log += new TextDecoder().decode(chunk);
        const m = /broker listening listener=[^ ]*:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      }
      reject(new Error(`victim exited: ${log}`));
    })();
  });
  // Its index write reaches the store and waits there 300 ms; the broker dies meanwhile.
  let killedAt: string | null = null;
  s3.faults.set({ latencyMs: { PutObject: 300 } });
  const stop = s3.listen((op, key, headers) => {
    if (op === "PutObject" && key.endsWith("/index.json") && (headers.get("authorization") ?? "").includes("Credential=victim/") && killedAt === null) {
      killedAt = key;
      victim.kill("SIGKILL");
    }
  });
  const doomed = await KafkaClient.connect(`127.0.0.1:${port}`);
  const leader = (await topicPartitions(doomed, TOPIC)).partitions[0]?.leader ?? 0;
  const records = encodeBatch([{ key: null, value: new TextEncoder().encode("sent-to-victim") }]);
  const lost = produce(doomed, TOPIC, [{ partition: 0, leader, records }]);
  expect(await lost.then(() => "acknowledged", () => "failed")).toBe("failed");
  expect(await victim.exited).not.toBe(0);
  expect(killedAt).not.toBeNull();
  stop();
  s3.faults.clear();
  await doomed.close().catch(() => {});

  const producer = kafkaFor(brokers[1]!.bootstrap, "survivor").producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: "after-kill-1", partition: 0 }, { value: "after-kill-2", partition: 0 }] });
  await producer.disconnect();
  const after = await readPartition(brokers[2]!.bootstrap);
  // The killed commit either landed whole (its write reached the store) or not at all.
  const landed = after.filter((v) => v === "sent-to-victim").length;
  expect(landed).toBeLessThanOrEqual(1);
  expect(after.length).toBe(before + landed + 2);
  expect(after.slice(-2)).toEqual(["after-kill-1", "after-kill-2"]);
}, 60_000);
