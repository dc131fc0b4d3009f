// `tansu topic` and `tansu cat` against a real broker process on memory storage.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyPartition } from "../../src/client/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type Run, tansu } from "./run.ts";

let broker: TestBroker;
let dir: string;
beforeAll(async () => {
  broker = await startBroker();
  dir = mkdtempSync(join(tmpdir(), "tansu-cli-"));
});
afterAll(async () => {
  await broker.stop();
});

function cli(args: readonly string[], stdin?: string): Promise<Run> {
  return tansu(args, { env: { BOOTSTRAP_SERVERS: broker.bootstrap }, stdin });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const sorted = (s: string) => s.split("\n").filter((l) => l !== "").sort();

describe("tansu topic", () => {
  test("create, list, describe, delete", async () => {
    const created = await cli(["topic", "create", "admin-1", "--partitions", "3", "--config", "retention.ms=1000", "--config=cleanup.policy=compact"]);
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/^created topic admin-1 \(partitions 3, topic id [0-9a-f-]{36}\)\n$/);
    expect(created.code).toBe(0);

    const listed = await cli(["topic", "list"]);
    expect(listed.stdout.split("\n")).toContain("admin-1");
    expect(listed.code).toBe(0);

    const described = await cli(["topic", "describe", "admin-1"]);
    expect(described.code).toBe(0);
    const id = /topic id ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(described.stdout).toContain(`topic: admin-1\ntopic id: ${id}\npartitions: 3\n`);
    expect(described.stdout).toMatch(/partition\s+leader\s+replicas\s+isr\s+earliest\s+latest\n0\s+\d+\s+\d+\s+\d+\s+0\s+0\n1\s.*\n2\s.*\n/);
    expect(described.stdout).toContain("\n  retention.ms=1000\n");
    expect(described.stdout).toContain("\n  cleanup.policy=compact\n");
    expect(described.stdout).toMatch(/\n {2}max\.message\.bytes=\d+ \(default\)\n/);

    const deleted = await cli(["topic", "delete", "admin-1"]);
    expect([deleted.stdout, deleted.code]).toEqual(["deleted topic admin-1\n", 0]);
    expect((await cli(["topic", "list"])).stdout.split("\n")).not.toContain("admin-1");
  });

  test("broker errors are one line with Kafka's error name and exit 1", async () => {
    expect((await cli(["topic", "create", "admin-2"])).code).toBe(0);
    const again = await cli(["topic", "create", "admin-2"]);
    expect(again.stderr).toMatch(/^tansu: create topic admin-2: TOPIC_ALREADY_EXISTS(: [^\n]*)?\n$/);
    expect(again.code).toBe(1);

    const missing = await cli(["topic", "delete", "admin-none"]);
    expect(missing.stderr).toMatch(/^tansu: delete topic admin-none: UNKNOWN_TOPIC_OR_PARTITION(: [^\n]*)?\n$/);
    expect(missing.code).toBe(1);

    const described = await cli(["topic", "describe", "admin-none"]);
    expect(described.stderr).toMatch(/^tansu: topic admin-none: UNKNOWN_TOPIC_OR_PARTITION(: [^\n]*)?\n$/);
    expect(described.code).toBe(1);

    const invalid = await cli(["topic", "create", "admin-3", "--config", "retention.ms=soon"]);
    expect(invalid.stderr).toMatch(/^tansu: create topic admin-3: INVALID_CONFIG(: [^\n]*)?\n$/);
    expect(invalid.code).toBe(1);
  });
});

describe("tansu cat", () => {
  const keyed = ["k1\tv1", "k2\tv2", "k3\tv3", "k1\tv4"];
  const plain = ["p1", "p2", "p3", "p4", "p5"];

  test("produce from a file with and without keys, consume from the beginning", async () => {
    expect((await cli(["topic", "create", "cat-1", "--partitions", "3"])).code).toBe(0);
    const produced = await cli(["cat", "produce", "cat-1", file("cat-1.txt", `${[...keyed, ...plain].join("\n")}\n`)]);
    expect(produced.stderr).toBe("produced 9 records to 3 partitions of cat-1\n");
    expect(produced.code).toBe(0);

    const consumed = await cli(["cat", "consume", "cat-1", "--from-beginning", "--max-messages", "9"]);
    expect(sorted(consumed.stdout)).toEqual([...keyed, ...plain].sort());
    expect(consumed.stderr).toBe("consumed 9 records from cat-1\n");
    expect(consumed.code).toBe(0);

    // keyed records sit where Kafka's default partitioner puts them, in order
    const partition = keyPartition(new TextEncoder().encode("k1"), 3);
    const one = await cli(["cat", "consume", "cat-1", "--from-beginning", "--partition", String(partition), "--timeout-ms", "1000"]);
    const lines = one.stdout.split("\n").filter((l) => l.startsWith("k1\t"));
    expect(lines).toEqual(["k1\tv1", "k1\tv4"]);

    const described = await cli(["topic", "describe", "cat-1"]);
    const latest = [...described.stdout.matchAll(/^(\d)\s+\d+\s+\S+\s+\S+\s+0\s+(\d+)$/gm)].map((m) => Number(m[2]));
    expect(latest.reduce((a, b) => a + b, 0)).toBe(9);
  });

  test("produce from stdin to one partition; --max-messages stops early", async () => {
    expect((await cli(["topic", "create", "cat-2", "--partitions", "2"])).code).toBe(0);
    const produced = await cli(["cat", "produce", "cat-2", "-", "--partition", "1"], "a\nkey\tb\r\n\nc");
    expect(produced.stderr).toBe("produced 4 records to 1 partition of cat-2\n");
    const consumed = await cli(["cat", "consume", "cat-2", "--from-beginning", "--partition", "1", "--max-messages", "3"]);
    expect(consumed.stdout).toBe("a\nkey\tb\n\n");
    const empty = await cli(["cat", "consume", "cat-2", "--from-beginning", "--partition", "0", "--timeout-ms", "600"]);
    expect([empty.stdout, empty.stderr, empty.code]).toEqual(["", "consumed 0 records from cat-2\n", 0]);
  });

  test("without --from-beginning consumption starts at the end", async () => {
    expect((await cli(["topic", "create", "cat-3"])).code).toBe(0);
    await cli(["cat", "produce", "cat-3"], "old\n");
    const consumer = tansu(["cat", "consume", "cat-3", "--max-messages", "1", "--timeout-ms", "20000"], { env: { BOOTSTRAP_SERVERS: broker.bootstrap } });
    let done = false;
    void consumer.then(() => (done = true));
    // the consumer starts at the end some time after it was spawned: keep producing until it has one
    for (let i = 0; !done && i < 100; i++) {
      await cli(["cat", "produce", "cat-3"], "new\n");
      await Bun.sleep(200);
    }
    const run = await consumer;
    expect([run.stdout, run.code]).toEqual(["new\n", 0]);
  });

  test("SIGTERM stops a consumer, which exits 0", async () => {
    expect((await cli(["topic", "create", "cat-4"])).code).toBe(0);
    await cli(["cat", "produce", "cat-4"], "first\n");
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "..", "..", "src", "main.ts"), "cat", "consume", "cat-4", "--from-beginning"], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, BOOTSTRAP_SERVERS: broker.bootstrap },
    });
    const reader = proc.stdout.getReader();
    // once the first record is out, the consumer is polling
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first\n");
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stderr).text()).toBe("consumed 1 record from cat-4\n");
  });

  test("a broker error for a batch is one line and exit 1", async () => {
    expect((await cli(["topic", "create", "cat-5", "--config", "cleanup.policy=compact"])).code).toBe(0);
    const run = await cli(["cat", "produce", "cat-5"], "no key\n");
    expect(run.stderr).toMatch(/^tansu: Produce cat-5-0: INVALID_RECORD(: [^\n]*)?\n$/);
    expect(run.code).toBe(1);
  });

  test("a partition the topic does not have is an error", async () => {
    expect((await cli(["topic", "create", "cat-6"])).code).toBe(0);
    const run = await cli(["cat", "consume", "cat-6", "--partition", "5", "--max-messages", "1"]);
    expect([run.stderr, run.code]).toEqual(["tansu: topic cat-6 has no partition 5 (it has 1)\n", 1]);
  });
});
