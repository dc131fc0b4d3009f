// `tansu cat produce|consume --schema-registry`: JSON lines in, records encoded as the topic's schema
// says (what a producer with avsc or protobufjs would send), and the same lines out again.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchRecords, KafkaClient, topicPartitions } from "../../src/client/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";
import { type Run, tansu } from "./run.ts";

let broker: TestBroker;
let client: KafkaClient;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-cli-schema-"));
  broker = await startBroker(["--schema-registry", `file://${dir}`]);
  client = await KafkaClient.connect(broker.bootstrap);
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

const cli = (args: readonly string[], stdin?: string): Promise<Run> => tansu(args, { env: { BOOTSTRAP_SERVERS: broker.bootstrap, SCHEMA_REGISTRY: `file://${dir}` }, stdin });

async function stored(topic: string): Promise<{ key: Buffer | null; value: Buffer | null }[]> {
  const { partitions } = await topicPartitions(client, topic);
  const result = await fetchRecords(client, topic, partitions.map((p) => ({ ...p, offset: 0n })), { maxWaitMs: 0 });
  return result.records.sort((a, b) => a.offset - b.offset).map((r) => ({ key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) }));
}

describe("tansu cat with a schema registry", () => {
  for (const f of SCHEMA_FIXTURES) {
    test(`${f.format}: produce encodes JSON lines as a producer would, consume prints them back`, async () => {
      const topic = `cli-${f.format}`;
      writeFileSync(join(dir, topic + f.extension), f.schema);
      expect((await cli(["topic", "create", topic])).code).toBe(0);
      const ids = [1, 2, 3, 4, 5];
      const produced = await cli(["cat", "produce", topic, "--partition", "0"], ids.map((i) => f.line(i)).join("\n") + "\n");
      expect([produced.stderr, produced.code]).toEqual([`produced 5 records to 1 partition of ${topic}\n`, 0]);
      expect(await stored(topic)).toEqual(ids.map((i) => f.record(i)));
      const consumed = await cli(["cat", "consume", topic, "--from-beginning", "--max-messages", "5"]);
      expect(consumed.code).toBe(0);
      expect(consumed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual(ids.map((i) => JSON.parse(f.line(i))));
    });
  }

  test("a line that does not fit the schema stops with its line number; nothing of the pending batch is sent", async () => {
    const [avro] = SCHEMA_FIXTURES;
    writeFileSync(join(dir, "cli-bad.avsc"), avro!.schema);
    const lines = [avro!.line(1), '{"key": "k", "value": {"id": 1}}', avro!.line(2)];
    const run = await cli(["cat", "produce", "cli-bad"], lines.join("\n"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tansu: line 2: value: invalid "string": undefined\n');
    expect((await cli(["cat", "produce", "cli-bad"], '["not", "an", "object"]')).stderr).toBe('tansu: line 1: expected {"key": …, "value": …} for a topic with a schema\n');
    expect((await cli(["cat", "produce", "cli-bad"], "{nope")).stderr).toStartWith("tansu: line 1: not JSON (");
    expect(await stored("cli-bad")).toEqual([]);
  });

  test("parts the schema does not describe are text; null and absent parts are null", async () => {
    writeFileSync(join(dir, "cli-value-only.json"), JSON.stringify({ properties: { value: { type: "integer" } } }));
    const lines = ['{"key": "plain key", "value": 1}', '{"value": 2}', '{"key": {"a": 1}, "value": null}'];
    expect((await cli(["cat", "produce", "cli-value-only", "--partition", "0"], lines.join("\n"))).code).toBe(0);
    expect(await stored("cli-value-only")).toEqual([
      { key: Buffer.from("plain key"), value: Buffer.from("1") },
      { key: null, value: Buffer.from("2") },
      { key: Buffer.from('{"a":1}'), value: null },
    ]);
    const consumed = await cli(["cat", "consume", "cli-value-only", "--from-beginning", "--max-messages", "3"]);
    expect(consumed.stdout).toBe('{"key":"plain key","value":1}\n{"key":null,"value":2}\n{"key":"{\\"a\\":1}","value":null}\n');
  });

  test("consume shows records that do not decode as text, with a warning", async () => {
    const [avro] = SCHEMA_FIXTURES;
    writeFileSync(join(dir, "cli-late.avsc"), avro!.schema);
    expect((await cli(["cat", "produce", "cli-late", "--partition", "0"], '{"key": "k", "value": {"id": 1, "item": "x", "quantity": 2}}')).code).toBe(0);
    // records produced with validation off do not decode
    expect((await tansu(["cat", "produce", "cli-unchecked", "--partition", "0"], { env: { BOOTSTRAP_SERVERS: broker.bootstrap }, stdin: "k\tnot avro" })).code).toBe(0);
    writeFileSync(join(dir, "cli-unchecked.avsc"), avro!.schema);
    const consumed = await cli(["cat", "consume", "cli-unchecked", "--from-beginning", "--max-messages", "1"]);
    expect(consumed.stdout).toBe('{"key":"k","value":"not avro"}\n');
    expect(consumed.stderr).toContain("offset 0: key does not match");
  });

  test("a schema file that does not parse stops the command with the parser's message", async () => {
    writeFileSync(join(dir, "cli-broken.json"), "{");
    const run = await cli(["cat", "produce", "cli-broken"], "{}");
    expect([run.code, run.stderr]).toEqual([1, `tansu: schema ${join(dir, "cli-broken.json")} does not parse: JSON Parse error: Expected '}'\n`]);
  });
});
