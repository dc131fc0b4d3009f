// The broker keeps serving a well-behaved client while other connections misbehave: garbage bytes,
// a garbage frame, an unknown API key, half a frame then a hang-up, and 2 GiB length prefixes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { attack, attacks, type Outcome } from "./support/attacks.ts";
import { KCAT, kcatConsume, kcatHeaderArgs, kcatLine, kcatMetadata, kcatQuery } from "./support/kcat.ts";
import { makeRecords, runHeaders } from "./support/records.ts";
import { checkLog } from "./support/verify.ts";

const PARTITIONS = 3;
const CHUNKS = 20;
const PER_CHUNK = 1_000;
const ROUNDS = 4;

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker(["--num-partitions", String(PARTITIONS)]);
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

/** kcat -P fed in chunks over about a second, so that the attacks happen while it produces. */
async function slowProducer(topic: string, lines: readonly string[]): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([KCAT, "-b", broker.bootstrap, "-P", "-t", topic, "-K", "\\t", "-Z", "-z", "lz4", "-X", "acks=all", ...kcatHeaderArgs(runHeaders(topic))], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "pipe",
  });
  for (let i = 0; i < CHUNKS; i++) {
    proc.stdin.write(lines.slice(i * PER_CHUNK, (i + 1) * PER_CHUNK).join("\n") + "\n");
    await proc.stdin.flush();
    await Bun.sleep(50);
  }
  await proc.stdin.end();
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  return { code, stderr };
}

describe("robustness", () => {
  test("kcat produces every record while other connections send garbage, half frames and 2 GiB length prefixes", async () => {
    const topic = "robust";
    const records = makeRecords(topic, 0, CHUNKS * PER_CHUNK, { perRecordHeaders: false, explicitTimestamps: false, nullHeaderValues: true, nullKeyAndValue: true });
    const lines = records.map(kcatLine);
    const from = Date.now();
    const producing = slowProducer(topic, lines);
    const outcomes: { name: string; outcome: Outcome }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = attacks(round + 1);
      const results = await Promise.all(batch.map((a) => attack(broker.port, a)));
      batch.forEach((a, i) => outcomes.push({ name: a.name, outcome: results[i]! }));
      await Bun.sleep(200);
    }
    const produced = await producing;
    const window = { from, to: Date.now() };
    expect(produced.stderr).not.toMatch(/fail|error/i);
    expect(produced.code).toBe(0);
    for (const { name, outcome } of outcomes) {
      expect(`${name}: ${outcome}`).toBe(`${name}: ${name.includes("disconnect") ? "closed by us" : "closed by broker"}`);
    }
    const consumed = await kcatConsume(broker.bootstrap, topic);
    expect(checkLog(records, consumed, PARTITIONS, new Map([[topic, window]]))).toEqual([]);
    // and it still answers Metadata and ListOffsets on new connections
    expect((await kcatMetadata(broker.bootstrap)).topics.map((t) => t.topic)).toContain(topic);
    expect((await kcatQuery(broker.bootstrap, topic, PARTITIONS, -1)).reduce((a, b) => a + b, 0)).toBe(records.length);
  });
});
