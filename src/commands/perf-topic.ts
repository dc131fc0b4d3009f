// The topic a perf run works on, and one client per producer or consumer so that each has
// connections of its own.

import { KafkaClient, type PartitionLeader, topicPartitions } from "../client/index.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import type { CommandArgs } from "./cli.ts";

/** The topic's first `count` partitions (null: all); each client learns the topic's brokers. */
export async function perfPartitions(clients: readonly KafkaClient[], topic: string, count: number | null): Promise<PartitionLeader[]> {
  const [first, ...others] = clients;
  if (first === undefined) return [];
  const described = (await first.metadata([topic])).topics.find((t) => t.name === topic);
  if (described?.errorCode === ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) throw new Error(`topic ${topic} does not exist (create it with: tansu topic create ${topic})`);
  const { partitions } = await topicPartitions(first, topic);
  if (count !== null && count > partitions.length) throw new Error(`--partitions ${count}: topic ${topic} has only ${partitions.length} partition${partitions.length === 1 ? "" : "s"}`);
  await Promise.all(others.map((c) => c.metadata([topic])));
  return count === null ? partitions : partitions.slice(0, count);
}

/** Runs with `count` connected clients, closed whatever happens. */
export async function withClients<T>(target: Pick<CommandArgs, "bootstrap" | "client">, count: number, run: (clients: KafkaClient[]) => Promise<T>): Promise<T> {
  const clients: KafkaClient[] = [];
  try {
    for (let i = 0; i < count; i++) clients.push(await KafkaClient.connect(target.bootstrap, target.client));
    return await run(clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
