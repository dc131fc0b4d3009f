// `tansu cat consume TOPIC`: an assign-style consumer (no group) printing `value`, or
// `key<TAB>value` for a record with a key, one per line.

import { EARLIEST_TIMESTAMP, type FetchedRecord, fetchRecords, LATEST_TIMESTAMP, listOffsets, topicPartitions } from "../client/index.ts";
import { PARTITION } from "./cat-produce.ts";
import { boolFlag, commandArgs, type Env, type Flag, intFlag, positionals, withClient } from "./cli.ts";
import { formatRecord, SCHEMA_REGISTRY, topicSchema } from "./schema-lines.ts";

const MAX_MESSAGES: Flag = { flag: "max-messages", env: "", default: "", about: "stop after this many records" };
const TIMEOUT_MS: Flag = { flag: "timeout-ms", env: "", default: "", about: "stop after this long without a new record" };
const MAX_WAIT_MS = 500;
const TAB = Uint8Array.of(0x09);
const LF = Uint8Array.of(0x0a);
const encoder = new TextEncoder();

function format(records: readonly FetchedRecord[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    if (r.key !== null) parts.push(r.key, TAB);
    if (r.value !== null) parts.push(r.value);
    parts.push(LF);
  }
  return Buffer.concat(parts);
}

export async function catConsume(args: readonly string[], env: Env): Promise<number> {
  const a = commandArgs(args, [PARTITION, MAX_MESSAGES, TIMEOUT_MS, SCHEMA_REGISTRY], ["from-beginning"], env);
  const [topic = ""] = positionals("cat consume", a.positional, ["TOPIC"]);
  const partition = intFlag(a.flags, "partition", 0, 2 ** 31 - 1);
  const maxMessages = intFlag(a.flags, "max-messages", 1, Number.MAX_SAFE_INTEGER);
  const timeoutMs = intFlag(a.flags, "timeout-ms", 0, 2 ** 31 - 1);
  const fromBeginning = boolFlag(a.flags, "from-beginning");
  const schema = await topicSchema(a.flags, env, topic);
  const print = (records: readonly FetchedRecord[]) =>
    schema === null ? format(records) : encoder.encode(records.map((r) => `${formatRecord(schema, r, (m) => console.error(m))}\n`).join(""));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await withClient(a, async (client) => {
      const all = (await topicPartitions(client, topic)).partitions;
      const chosen = partition === undefined ? all : all.filter((p) => p.partition === partition);
      if (chosen.length === 0) throw new Error(`topic ${topic} has no partition ${partition} (it has ${all.length})`);
      const start = await listOffsets(client, topic, chosen, fromBeginning ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
      let positions = chosen.map((p) => ({ ...p, offset: start.get(p.partition) ?? 0n }));
      let count = 0;
      let lastRecordAt = Date.now();
      while (!stop.signal.aborted) {
        const idle = Date.now() - lastRecordAt;
        if (timeoutMs !== undefined && idle >= timeoutMs) break;
        const maxWaitMs = timeoutMs === undefined ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, timeoutMs - idle);
        const result = await fetchRecords(client, topic, positions, { maxWaitMs });
        positions = positions.map((p) => ({ ...p, offset: result.positions.get(p.partition) ?? p.offset }));
        const records = maxMessages === undefined ? result.records : result.records.slice(0, maxMessages - count);
        if (records.length === 0) continue;
        lastRecordAt = Date.now();
        count += records.length;
        if (!(await write(print(records)))) break;
        if (maxMessages !== undefined && count >= maxMessages) break;
      }
      console.error(`consumed ${count} record${count === 1 ? "" : "s"} from ${topic}`);
      return 0;
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** false once stdout's reader has gone (EPIPE): stop quietly, as `| head` expects. */
async function write(bytes: Uint8Array): Promise<boolean> {
  try {
    await Bun.write(Bun.stdout, bytes);
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === "EPIPE") return false;
    throw e;
  }
}
