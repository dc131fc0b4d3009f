// `tansu cat produce TOPIC [FILE|-]`: one record per line, sent in batches with acks=-1.

import { produce, topicPartitions } from "../client/index.ts";
import { commandArgs, type Env, type Flag, intFlag, positionals, withClient } from "./cli.ts";
import { lines } from "./lines.ts";
import { parseLine, RecordBatcher } from "./record-batcher.ts";
import { encodeLine, SCHEMA_REGISTRY, topicSchema } from "./schema-lines.ts";

export const PARTITION: Flag = { flag: "partition", env: "", default: "", about: "the one partition to use" };
/** Well under Kafka's default message.max.bytes (1048588), which bounds each batch. */
const FLUSH_BYTES = 512 * 1024;

async function input(file: string | undefined): Promise<ReadableStream<Uint8Array>> {
  if (file === undefined || file === "-") return Bun.stdin.stream();
  const f = Bun.file(file);
  if (!(await f.exists())) throw new Error(`cannot read ${file}: no such file`);
  return f.stream();
}

export async function catProduce(args: readonly string[], env: Env): Promise<number> {
  const a = commandArgs(args, [PARTITION, SCHEMA_REGISTRY], [], env);
  const [topic = "", file] = positionals("cat produce", a.positional, ["TOPIC"], ["FILE"]);
  const partition = intFlag(a.flags, "partition", 0, 2 ** 31 - 1);
  const stream = await input(file);
  const schema = await topicSchema(a.flags, env, topic);
  return withClient(a, async (client) => {
    const { partitions } = await topicPartitions(client, topic, true);
    if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions`);
    if (partition !== undefined && !partitions.some((p) => p.partition === partition)) {
      throw new Error(`topic ${topic} has no partition ${partition} (it has ${partitions.length})`);
    }
    const batcher = new RecordBatcher(partitions, partition);
    const used = new Set<number>();
    let count = 0;
    const flush = async () => {
      const batches = batcher.take();
      for (const b of batches) used.add(b.partition);
      if (batches.length > 0) await produce(client, topic, batches);
    };
    for await (const line of lines(stream)) {
      count++;
      batcher.add(schema === null ? parseLine(line) : encodeLine(schema, line, count));
      if (batcher.pendingBytes >= FLUSH_BYTES) await flush();
    }
    await flush();
    console.error(`produced ${count} record${count === 1 ? "" : "s"} to ${used.size} partition${used.size === 1 ? "" : "s"} of ${topic}`);
    return 0;
  });
}
