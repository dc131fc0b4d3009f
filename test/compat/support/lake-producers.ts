// Binary (Avro-encoded) records into a topic through two librdkafka clients: kcat reading them from
// a file (-l) split by multi-byte delimiters the records must not contain, and confluent-kafka's
// Python Producer given their bytes as hex. Both pick the partition by key (librdkafka's default).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KCAT } from "./kcat.ts";
import { PYTHON } from "./python.ts";
import { runOk } from "./run.ts";

export interface BinaryRecord {
  key: Buffer;
  value: Buffer;
}

const KEY_DELIMITER = Buffer.from([0xfb, 0xfa]);
const MESSAGE_DELIMITER = Buffer.from([0xfe, 0xfd, 0xfc]);
const SCRIPT = join(import.meta.dir, "..", "python", "lake_producer.py");

/** Writes the records to `file` and sends them with one `kcat -P -l` run. */
export async function kcatProduceFile(bootstrap: string, topic: string, records: readonly BinaryRecord[], file: string): Promise<void> {
  const parts: Buffer[] = [];
  for (const { key, value } of records) {
    for (const part of [key, value]) {
      if (part.includes(KEY_DELIMITER) || part.includes(MESSAGE_DELIMITER)) throw new Error("a record contains a kcat delimiter");
    }
    parts.push(key, KEY_DELIMITER, value, MESSAGE_DELIMITER);
  }
  writeFileSync(file, Buffer.concat(parts));
  const { stderr } = await runOk([KCAT, "-b", bootstrap, "-P", "-t", topic, "-K", "\\xfb\\xfa", "-D", "\\xfe\\xfd\\xfc", "-l", file], { timeoutMs: 30_000 });
  if (/fail|error/i.test(stderr)) throw new Error(`kcat -P reported problems:\n${stderr.slice(-4000)}`);
}

async function script<T>(command: "create" | "produce", args: object): Promise<T> {
  const { stdout } = await runOk([PYTHON, SCRIPT, command, JSON.stringify(args)], { timeoutMs: 60_000 });
  return JSON.parse(stdout.trimEnd().split("\n").pop() ?? "") as T;
}

/** CreateTopics through confluent-kafka's AdminClient, with topic configs. */
export async function confluentCreateTopic(bootstrap: string, topic: string, partitions: number, config: Record<string, string>): Promise<void> {
  await script("create", { bootstrap, topic, partitions, config });
}

/** Sends the records with confluent-kafka's Producer; throws unless every one was delivered. */
export async function confluentProduce(bootstrap: string, topic: string, records: readonly BinaryRecord[]): Promise<void> {
  const hex = records.map((r) => ({ key: r.key.toString("hex"), value: r.value.toString("hex") }));
  const result = await script<{ delivered: number; errors: string[]; remaining: number }>("produce", { bootstrap, topic, records: hex });
  if (result.delivered !== records.length) throw new Error(`confluent-kafka delivered ${result.delivered} of ${records.length}: ${JSON.stringify(result)}`);
}
