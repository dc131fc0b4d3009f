// Schema validation cost (run by hand: bun bench/schema.ts [records per run]).
// One broker process (memory engine, file:// schema registry) and, as the baseline, one without a
// registry. For each format, the same ~100-byte encoded records are produced with the project's
// client in batches of 1,000 (4 requests in flight) to a topic with that schema and to a topic
// without one; each pair is measured in alternation, best of 3 rounds. Reports records/s and the
// broker's CPU time per record.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brokerArgv, cpuSeconds, startServer } from "./support/server.ts";
import avro from "avsc";
import protobuf from "protobufjs";
import { KafkaClient, produce, topicPartitions } from "../src/client/index.ts";
import { ZERO_UUID } from "../src/protocol/primitives.ts";
import { DeleteTopicsApi } from "../src/protocol/generated/index.ts";
import { encodeBatch, type RecordInput } from "../src/protocol/records/index.ts";

const RECORDS = Number(process.argv[2] ?? 300_000);
const BATCH = 1000;
const IN_FLIGHT = 4;
const ROUNDS = 3;
const EVENTS = ["page_view", "click", "add_to_cart", "purchase"];

const event = (i: number, note: string) => ({ id: 100_000 + i, user: `user-${(i * 7919) % 1000}`, event: EVENTS[i % 4]!, ts: 1_700_000_000_000 + i * 37, amount: ((i * 31) % 10_000) / 100, note });
const AVRO_EVENT = {
  type: "record" as const,
  name: "Event",
  fields: [{ name: "id", type: "long" }, { name: "user", type: "string" }, { name: "event", type: "string" }, { name: "ts", type: "long" }, { name: "amount", type: "double" }, { name: "note", type: "string" }],
};
const AVRO_SCHEMA = { type: "record", name: "Record", fields: [{ name: "key", type: "string" }, { name: "value", type: AVRO_EVENT }] };
const PROTO = `syntax = "proto3";\nmessage Key { string id = 1; }\nmessage Value { int64 id = 1; string user = 2; string event = 3; int64 ts = 4; double amount = 5; string note = 6; }\n`;
const JSON_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  required: ["key", "value"],
  properties: {
    key: { type: "string" },
    value: { type: "object", required: ["id", "user", "event", "ts", "amount"], additionalProperties: false, properties: { id: { type: "integer" }, user: { type: "string" }, event: { enum: EVENTS }, ts: { type: "integer" }, amount: { type: "number", minimum: 0 }, note: { type: "string" } } },
  },
};

const pad = (n: number) => "n".repeat(n);
const avroKey = avro.Type.forSchema("string");
const avroValue = avro.Type.forSchema(AVRO_EVENT);
const proto = protobuf.parse(PROTO).root;
const [ProtoKey, ProtoValue] = [proto.lookupType("Key"), proto.lookupType("Value")];

interface Format {
  name: string;
  file: string;
  schema: string;
  record(i: number): RecordInput;
}
const FORMATS: Format[] = [
  { name: "avro", file: ".avsc", schema: JSON.stringify(AVRO_SCHEMA), record: (i) => ({ key: avroKey.toBuffer(`k-${i % 1000}`), value: avroValue.toBuffer(event(i, pad(58))) }) },
  { name: "json", file: ".json", schema: JSON.stringify(JSON_SCHEMA), record: (i) => ({ key: Buffer.from(JSON.stringify(`k-${i % 1000}`)), value: Buffer.from(JSON.stringify(event(i, pad(0)))) }) },
  { name: "protobuf", file: ".proto", schema: PROTO, record: (i) => ({ key: Buffer.from(ProtoKey.encode({ id: `k-${i % 1000}` }).finish()), value: Buffer.from(ProtoValue.encode(ProtoValue.fromObject(event(i, pad(51)))).finish()) }) },
];

const startBroker = (args: string[]) => startServer(brokerArgv("memory://", args));

interface Result {
  perSecond: number;
  cpuMicros: number;
}

/** Produces RECORDS records (the batches, round robin) to partition 0 of `topic`. */
async function run(client: KafkaClient, pid: number, topic: string, batches: readonly Uint8Array[]): Promise<Result> {
  const { partitions } = await topicPartitions(client, topic, true);
  const leader = partitions[0]!.leader;
  const send = (i: number) => produce(client, topic, [{ partition: 0, leader, records: batches[i % batches.length]! }]);
  await send(0); // warm-up: loads and compiles the schema
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let next = 0;
  const total = RECORDS / BATCH;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < total) await send(next++);
  }));
  const seconds = (performance.now() - t0) / 1000;
  const result = { perSecond: RECORDS / seconds, cpuMicros: ((cpuSeconds(pid) - cpu0) / RECORDS) * 1e6 };
  // deleting keeps the memory engine small for the next run
  await client.request(DeleteTopicsApi, () => ({ topics: [{ name: topic, topicId: ZERO_UUID }], topicNames: [topic], timeoutMs: 10_000 }));
  return result;
}

const dir = mkdtempSync(join(tmpdir(), "tansu-bench-schema-"));
for (const f of FORMATS) writeFileSync(join(dir, `bench-${f.name}${f.file}`), f.schema);
const withRegistry = await startBroker(["--schema-registry", `file://${dir}`]);
const withoutRegistry = await startBroker([]);
const clients = { with: await KafkaClient.connect(`127.0.0.1:${withRegistry.port}`), without: await KafkaClient.connect(`127.0.0.1:${withoutRegistry.port}`) };

const rows: string[] = [];
const best = (a: Result | undefined, b: Result): Result => (a === undefined || b.perSecond > a.perSecond ? b : a);
const signed = (n: number) => `${n < 0 ? "-" : "+"}${Math.abs(n).toFixed(2)}`;
const line = (label: string, r: Result, base?: Result) =>
  `${label.padEnd(34)} ${Math.round(r.perSecond).toLocaleString("en").padStart(9)} rec/s  ${r.cpuMicros.toFixed(2).padStart(6)} µs CPU/rec${base === undefined ? "" : `  ×${(r.perSecond / base.perSecond).toFixed(2)} throughput, ${signed(r.cpuMicros - base.cpuMicros)} µs/rec`}`;
for (const f of FORMATS) {
  const records = Array.from({ length: BATCH * 4 }, (_, i) => f.record(i));
  const batches = Array.from({ length: 4 }, (_, b) => encodeBatch(records.slice(b * BATCH, (b + 1) * BATCH)));
  const size = records.reduce((n, r) => n + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0) / records.length;
  let bare: Result | undefined;
  let plain: Result | undefined;
  let checked: Result | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    bare = best(bare, await run(clients.without, withoutRegistry.pid, `bare-${f.name}`, batches));
    plain = best(plain, await run(clients.with, withRegistry.pid, `plain-${f.name}`, batches));
    checked = best(checked, await run(clients.with, withRegistry.pid, `bench-${f.name}`, batches));
  }
  rows.push(`${f.name}: ${size.toFixed(0)}-byte records (key + value)`);
  rows.push(`  ${line("no registry", bare!)}`);
  rows.push(`  ${line("registry, topic without a schema", plain!, bare)}`);
  rows.push(`  ${line(`registry, ${f.name} schema`, checked!, plain)}`);
}
await Promise.all([clients.with.close(), clients.without.close()]);
await Promise.all([withRegistry.stop(), withoutRegistry.stop()]);
rmSync(dir, { recursive: true, force: true });
console.log(`${RECORDS.toLocaleString("en")} records per run, batches of ${BATCH}, ${IN_FLIGHT} in flight, memory engine, loopback, best of ${ROUNDS}`);
for (const r of rows) console.log(r);
