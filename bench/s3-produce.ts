// Default producers against the S3 engine at a fixed 20 ms PutObject latency (run by hand:
// bun bench/s3-produce.ts [records/s] [seconds]).
// The project's test S3 server runs as its own process; a broker on s3:// in front of it. A default
// librdkafka producer (kcat: linger 5 ms, not idempotent, unlimited requests in flight) and a
// default kafkajs producer (one send() of 100 records every 5 ms, not awaited) each offer
// `records/s` (default 20,000) records of 100 bytes for `seconds` (default 10), to one partition
// and to a topic of 64 partitions. Reported: records/s achieved (offered ÷ time to the last
// acknowledgement) and the store's PUTs per second over the run.

import { join } from "node:path";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { brokerArgv, startServer } from "./support/server.ts";

const RATE = Number(process.argv[2] ?? 20_000);
const SECONDS = Number(process.argv[3] ?? 10);
const TOTAL = RATE * SECONDS;
const TICK_MS = 5;
const PER_TICK = Math.round((RATE * TICK_MS) / 1000);
const VALUE = "x".repeat(100);

const s3 = Bun.spawn([process.execPath, join(import.meta.dir, "..", "test", "support", "s3-server", "main.ts"), "--bucket", "bench", "--put-latency-ms", "20"], { stdout: "pipe", stderr: "inherit" });
const lines = (async function* () {
  let buffered = "";
  for await (const chunk of s3.stdout) {
    buffered += new TextDecoder().decode(chunk);
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    yield* parts;
  }
})();
const nextLine = async (prefix: string) => {
  for (;;) {
    const { value, done } = await lines.next();
    if (done === true) throw new Error("S3 server ended");
    if (value.startsWith(prefix)) return value.slice(prefix.length);
  }
};
const endpoint = await nextLine("endpoint=");
const puts = async () => {
  s3.kill("SIGUSR1");
  const stats = JSON.parse(await nextLine("stats=")) as Record<string, number>;
  return Object.entries(stats).reduce((n, [k, v]) => (k.startsWith("PutObject") ? n + v : n), 0);
};

const env = { AWS_ENDPOINT: endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" };
const broker = await startServer(brokerArgv("s3://bench/produce"), env);
const bootstrap = `127.0.0.1:${broker.port}`;
const kafka = new Kafka({ clientId: "bench", brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: "one", numPartitions: 1 }, { topic: "many", numPartitions: 64 }, { topic: "one-js", numPartitions: 1 }, { topic: "many-js", numPartitions: 64 }] });
await admin.disconnect();

/** Calls `tick(n)` every TICK_MS with the records due by then, until TOTAL have been offered. */
async function offer(tick: (n: number) => void): Promise<void> {
  const t0 = performance.now();
  for (let sent = 0; sent < TOTAL; ) {
    const due = Math.min(TOTAL, Math.floor(((performance.now() - t0) / 1000) * RATE));
    if (due > sent) tick(due - sent);
    sent = Math.max(sent, due);
    await Bun.sleep(TICK_MS);
  }
}

async function kcat(topic: string): Promise<number> {
  const p = Bun.spawn(["kcat", "-P", "-b", bootstrap, "-t", topic], { stdin: "pipe", stdout: "ignore", stderr: "inherit" });
  const line = `${VALUE}\n`;
  const t0 = performance.now();
  await offer((n) => {
    void p.stdin.write(line.repeat(n));
    void p.stdin.flush();
  });
  await p.stdin.end();
  if ((await p.exited) !== 0) throw new Error("kcat failed");
  return (performance.now() - t0) / 1000;
}

async function kafkajs(topic: string): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const sends: Promise<unknown>[] = [];
  const t0 = performance.now();
  await offer((n) => {
    for (let i = 0; i < n; i += PER_TICK) sends.push(producer.send({ topic, messages: Array.from({ length: Math.min(PER_TICK, n - i) }, () => ({ value: VALUE })) }));
  });
  await Promise.all(sends);
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return seconds;
}

console.log(`offered ${RATE} records/s × ${SECONDS} s of 100 bytes; S3 PutObject latency 20 ms`);
for (const [name, topic, run] of [
  ["librdkafka (kcat), 1 partition", "one", kcat],
  ["librdkafka (kcat), 64 partitions", "many", kcat],
  ["kafkajs, 1 partition", "one-js", kafkajs],
  ["kafkajs, 64 partitions", "many-js", kafkajs],
] as const) {
  const before = await puts();
  const seconds = await run(topic);
  const putsPerSecond = ((await puts()) - before) / seconds;
  console.log(`${name.padEnd(34)} ${(TOTAL / seconds).toFixed(0).padStart(7)} records/s (${seconds.toFixed(1)} s)  ${putsPerSecond.toFixed(0).padStart(5)} PUTs/s`);
}
await broker.stop();
s3.kill("SIGTERM");
await s3.exited;
