// `tansu cat produce|consume`: records between a topic and stdin/stdout (or a file).

import { ConfigError } from "../config.ts";
import { catConsume } from "./cat-consume.ts";
import { catProduce } from "./cat-produce.ts";
import { BOOTSTRAP_USAGE, type Env, wantsHelp } from "./cli.ts";

export const CAT_USAGE = `usage: tansu cat <subcommand> [flags]
  produce TOPIC [FILE|-] [--partition N]
      one record per line of FILE (default: stdin); a line with a TAB is KEY<TAB>VALUE.
      Keyed records go to partitions as Kafka's default partitioner puts them (murmur2),
      the others round-robin; all to N with --partition.
  consume TOPIC [--from-beginning] [--partition N] [--max-messages N] [--timeout-ms N]
      prints each record's VALUE, or KEY<TAB>VALUE when it has a key, one per line; starts
      at the end (at the beginning with --from-beginning) of every partition or of N;
      stops after N records, after N ms without a new record, or on SIGINT/SIGTERM.
  With --schema-registry URL (env SCHEMA_REGISTRY; file://dir or s3://bucket/prefix) and a schema
  for TOPIC there, each line is instead a JSON object {"key": …, "value": …}: a part the schema
  describes in its format's JSON mapping (Avro JSON encoding, ProtoJSON, JSON), which produce
  encodes and consume decodes; other parts as strings. Either member may be absent or null.
flags:
${BOOTSTRAP_USAGE}
  --schema-registry URL             where topic schemas live (env SCHEMA_REGISTRY)`;

export async function catCommand(args: readonly string[], env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "help" || wantsHelp(args)) {
    console.log(CAT_USAGE);
    return 0;
  }
  switch (sub) {
    case "produce":
      return catProduce(rest, env);
    case "consume":
      return catConsume(rest, env);
    case undefined:
      throw new ConfigError("cat: missing subcommand (produce or consume); see tansu cat --help");
    default:
      throw new ConfigError(`cat: unknown subcommand ${JSON.stringify(sub)} (produce or consume)`);
  }
}
