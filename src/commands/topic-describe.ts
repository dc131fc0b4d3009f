// `tansu topic describe NAME`: Metadata for partitions and the topic id, DescribeConfigs for the
// topic's configs, ListOffsets for each partition's earliest and latest offset.

import { check, ClientError, EARLIEST_TIMESTAMP, type KafkaClient, LATEST_TIMESTAMP, listOffsets, topicPartitions } from "../client/index.ts";
import { DescribeConfigsApi } from "../protocol/generated/describe-configs.ts";
import { commandArgs, type Env, positionals, withClient } from "./cli.ts";

/** DescribeConfigs' resource type for a topic. */
const TOPIC_RESOURCE = 2;
/** ConfigSource DYNAMIC_TOPIC_CONFIG: set on the topic itself; every other source is a default. */
const DYNAMIC_TOPIC_CONFIG = 1;

export async function describeTopic(args: readonly string[], env: Env): Promise<number> {
  const a = commandArgs(args, [], [], env);
  const [name = ""] = positionals("topic describe", a.positional, ["NAME"]);
  return withClient(a, async (client) => {
    const topic = await topicPartitions(client, name);
    const [earliest, latest, configs] = await Promise.all([
      listOffsets(client, name, topic.partitions, EARLIEST_TIMESTAMP),
      listOffsets(client, name, topic.partitions, LATEST_TIMESTAMP),
      topicConfigs(client, name),
    ]);
    const lines = [`topic: ${name}`, `topic id: ${topic.topicId}`, `partitions: ${topic.partitions.length}`, ""];
    const rows = topic.partitions.map((p) => [
      String(p.partition),
      String(p.leader),
      p.replicas.join(","),
      p.isr.join(","),
      String(earliest.get(p.partition) ?? "?"),
      String(latest.get(p.partition) ?? "?"),
    ]);
    lines.push(...table([["partition", "leader", "replicas", "isr", "earliest", "latest"], ...rows]), "", "configs:");
    for (const c of configs) lines.push(`  ${c.name}=${c.value ?? "(sensitive)"}${c.isDefault ? " (default)" : ""}`);
    console.log(lines.join("\n"));
    return 0;
  });
}

interface TopicConfig {
  name: string;
  value: string | null;
  isDefault: boolean;
}

async function topicConfigs(client: KafkaClient, topic: string): Promise<TopicConfig[]> {
  let version = 0;
  const response = await client.request(DescribeConfigsApi, (v) => {
    version = v;
    return { resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false };
  });
  const result = response.results.find((r) => r.resourceType === TOPIC_RESOURCE && r.resourceName === topic);
  if (result === undefined) throw new ClientError("protocol", `DescribeConfigs has no answer for topic ${topic}`);
  check(result.errorCode, `describe configs of ${topic}`, result.errorMessage);
  return result.configs
    // v0 has isDefault, v1+ the config's source
    .map((c) => ({ name: c.name, value: c.value, isDefault: version === 0 ? c.isDefault : c.configSource !== DYNAMIC_TOPIC_CONFIG }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Left-aligned columns two spaces apart. */
function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "));
}
