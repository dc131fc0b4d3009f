// `tansu perf produce|consume`: load a topic and measure throughput and latency, as Kafka's
// kafka-producer-perf-test and kafka-consumer-perf-test do.

import { ConfigError } from "../config.ts";
import { BOOTSTRAP_USAGE, type Env, wantsHelp } from "./cli.ts";
import { DEFAULT_PRODUCE_DURATION_MS } from "./perf-args.ts";

export const PERF_USAGE = `usage: tansu perf <subcommand> --topic TOPIC [flags]
  produce   send records and report records/s, MB/s and each record's latency from send to
            acknowledgement (p50, p95, p99, p99.9, max)
      --record-size BYTES      each record's value, random letters, no key (default 100)
      --num-records N | --duration-ms D
                               how many records, or for how long (default ${DEFAULT_PRODUCE_DURATION_MS} ms)
      --throughput R           records per second, paced evenly; -1 as fast as possible (default)
      --acks -1|0|1            (default -1); with 0 a record counts as sent once written
      --compression C          none (default), gzip, snappy, lz4 or zstd
      --batch-size BYTES       records per partition batch, before compression (default 16384)
      --linger-ms MS           how long a batch waits to fill (default 5)
      --partitions P           use the topic's first P partitions, in turn (default all)
      --producers C            producers, each with its own connections (default 1)
      --idempotent             an idempotent producer (InitProducerId, sequences; needs --acks -1)
  consume   fetch records from the earliest offsets and report records/s, MB/s and fetches
      --num-records N | --duration-ms D
                               how many records, or for how long (default: up to the end of
                               every partition as the run starts)
      --consumers C            consumers, each with its own connections and partitions (default 1)
      --fetch-max-bytes BYTES  the most a Fetch answer carries (default 52428800)
      --timeout-ms MS          stop, exit 1, after this long without a needed record (default 10000)
  Both print a progress line each second on stderr when it is a terminal, then one summary line
  on stdout (--json: one JSON object). MB is 2^20 bytes.
flags:
${BOOTSTRAP_USAGE}`;

export async function perfCommand(args: readonly string[], env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "help" || wantsHelp(args)) {
    console.log(PERF_USAGE);
    return 0;
  }
  switch (sub) {
    case "produce":
      return (await import("./perf-produce.ts")).perfProduce(rest, env);
    case "consume":
      return (await import("./perf-consume.ts")).perfConsume(rest, env);
    case undefined:
      throw new ConfigError("perf: missing subcommand (produce or consume); see tansu perf --help");
    default:
      throw new ConfigError(`perf: unknown subcommand ${JSON.stringify(sub)} (produce or consume)`);
  }
}
