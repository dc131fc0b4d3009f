// `tansu topic create|list|describe|delete`: topic administration over the Kafka protocol.

import { check, ClientError } from "../client/index.ts";
import { ConfigError } from "../config.ts";
import { CreateTopicsApi } from "../protocol/generated/create-topics.ts";
import { DeleteTopicsApi } from "../protocol/generated/delete-topics.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import { BOOTSTRAP_USAGE, commandArgs, type Env, type Flag, intFlag, positionals, takeRepeated, wantsHelp, withClient } from "./cli.ts";
import { describeTopic } from "./topic-describe.ts";

export const TOPIC_USAGE = `usage: tansu topic <subcommand> [flags]
  create NAME [--partitions N] [--replication-factor N] [--config KEY=VALUE]...
                            create a topic (defaults: the broker's num.partitions and
                            default.replication.factor)
  list                      the names of all topics
  describe NAME             partitions, topic id, configs, earliest and latest offsets
  delete NAME               delete a topic
flags:
${BOOTSTRAP_USAGE}`;

const PARTITIONS: Flag = { flag: "partitions", env: "", default: "", about: "number of partitions" };
const REPLICATION_FACTOR: Flag = { flag: "replication-factor", env: "", default: "", about: "replication factor" };
const TIMEOUT_MS = 30_000;

export async function topicCommand(args: readonly string[], env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "help" || wantsHelp(args)) {
    console.log(TOPIC_USAGE);
    return 0;
  }
  switch (sub) {
    case "create":
      return create(rest, env);
    case "list":
      return list(rest, env);
    case "describe":
      return describeTopic(rest, env);
    case "delete":
      return remove(rest, env);
    case undefined:
      throw new ConfigError("topic: missing subcommand (create, list, describe or delete); see tansu topic --help");
    default:
      throw new ConfigError(`topic: unknown subcommand ${JSON.stringify(sub)} (create, list, describe or delete)`);
  }
}

function configEntry(entry: string): { name: string; value: string } {
  const eq = entry.indexOf("=");
  if (eq <= 0) throw new ConfigError(`--config: expected KEY=VALUE, got ${JSON.stringify(entry)}`);
  return { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}

async function create(args: readonly string[], env: Env): Promise<number> {
  const { values, rest } = takeRepeated(args, "config");
  const configs = values.map(configEntry);
  const a = commandArgs(rest, [PARTITIONS, REPLICATION_FACTOR], [], env);
  const [name = ""] = positionals("topic create", a.positional, ["NAME"]);
  const partitions = intFlag(a.flags, "partitions", 1, 2 ** 31 - 1);
  const replicationFactor = intFlag(a.flags, "replication-factor", 1, 32767);
  return withClient(a, async (client) => {
    await client.metadata([]);
    const response = await client.request(
      CreateTopicsApi,
      // -1 (the broker's default) needs v4+
      (version) => ({
        topics: [{ name, numPartitions: partitions ?? (version >= 4 ? -1 : 1), replicationFactor: replicationFactor ?? (version >= 4 ? -1 : 1), assignments: [], configs }],
        timeoutMs: TIMEOUT_MS,
        validateOnly: false,
      }),
      { node: client.controller },
    );
    const result = response.topics.find((t) => t.name === name);
    if (result === undefined) throw new ClientError("protocol", `CreateTopics has no answer for topic ${name}`);
    check(result.errorCode, `create topic ${name}`, result.errorMessage);
    const details = [result.numPartitions > 0 ? `partitions ${result.numPartitions}` : "", result.topicId !== ZERO_UUID ? `topic id ${result.topicId}` : ""].filter((d) => d !== "");
    console.log(`created topic ${name}${details.length > 0 ? ` (${details.join(", ")})` : ""}`);
    return 0;
  });
}

async function list(args: readonly string[], env: Env): Promise<number> {
  const a = commandArgs(args, [], [], env);
  positionals("topic list", a.positional, []);
  return withClient(a, async (client) => {
    const response = await client.metadata(null);
    const names = response.topics.flatMap((t) => (t.name === null ? [] : [t.name])).sort();
    if (names.length > 0) console.log(names.join("\n"));
    return 0;
  });
}

async function remove(args: readonly string[], env: Env): Promise<number> {
  const a = commandArgs(args, [], [], env);
  const [name = ""] = positionals("topic delete", a.positional, ["NAME"]);
  return withClient(a, async (client) => {
    await client.metadata([]);
    // v6+ names topics in `topics`, earlier versions in `topicNames`: the codec writes the one its version has
    const response = await client.request(DeleteTopicsApi, () => ({ topics: [{ name, topicId: ZERO_UUID }], topicNames: [name], timeoutMs: TIMEOUT_MS }), {
      node: client.controller,
    });
    const result = response.responses.find((r) => r.name === name);
    if (result === undefined) throw new ClientError("protocol", `DeleteTopics has no answer for topic ${name}`);
    check(result.errorCode, `delete topic ${name}`, result.errorMessage);
    console.log(`deleted topic ${name}`);
    return 0;
  });
}
