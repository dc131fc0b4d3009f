// Protocol details librdkafka depends on: a Fetch answer for a partition with an error carries
// empty records (not null), and pipelined OffsetCommits take effect in the order they were sent.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { FORMAT, KCAT, parseConsumed } from "./support/kcat.ts";
import { python } from "./support/python.ts";
import { runOk } from "./support/run.ts";

const dir = mkdtempSync(join(tmpdir(), "tansu-fidelity-"));
let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker(["--num-partitions", "1", "--storage-engine", `sqlite://${join(dir, "tansu.db")}`]);
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

test("a consumer started past the end of a partition gets OFFSET_OUT_OF_RANGE, applies auto.offset.reset=earliest and receives the records", async () => {
  const lines = Array.from({ length: 10 }, (_, i) => `k${i}\tv${i}`);
  await runOk([KCAT, "-b", broker.bootstrap, "-P", "-t", "past-end", "-K", "\\t", "-p", "0"], { stdin: lines.join("\n") + "\n", timeoutMs: 30_000 });
  const { stdout } = await runOk([KCAT, "-b", broker.bootstrap, "-C", "-t", "past-end", "-p", "0", "-o", "1000", "-X", "auto.offset.reset=earliest", "-c", "10", "-f", FORMAT], { timeoutMs: 30_000 });
  expect(parseConsumed(stdout).map((r) => r.value)).toEqual(lines.map((_, i) => `v${i}`));
});

test("50 asynchronous commits pipelined by librdkafka end with the last one committed", async () => {
  await runOk([KCAT, "-b", broker.bootstrap, "-P", "-t", "commits", "-p", "0"], { stdin: "x\n", timeoutMs: 30_000 });
  const r = await python<{ committed: number; unanswered: number; errors: string[] }>("confluent_client.py", "async_commits", { bootstrap: broker.bootstrap, group: "async-commits", topic: "commits", first: 1, last: 50 });
  expect(r).toEqual({ committed: 50, unanswered: 0, errors: [] });
});
