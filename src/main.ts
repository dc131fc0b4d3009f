#!/usr/bin/env bun
// CLI entry: tansu broker | proxy | topic | cat | user | perf. Configuration errors print one line and exit 2.
// Each command is loaded only when it runs: the compiled binary is split into chunks, so a broker
// never evaluates the client or the CLI tools, and starts sooner.

import { BROKER_OPTIONS, brokerConfig, ConfigError } from "./config.ts";

const USAGE = `usage: tansu <command> [flags]
  broker                             run a broker (see --help for flags)
  proxy                              run a Kafka proxy in front of a cluster (see tansu proxy --help)
  topic create|list|describe|delete  manage topics (see tansu topic --help)
  cat produce|consume                records between a topic and stdin/stdout (see tansu cat --help)
  user create|set-password|delete|list  SASL/SCRAM users (see tansu user --help)
  perf produce|consume               load a topic, measure throughput and latency (see tansu perf --help)`;

const FLAG_WIDTH = Math.max(...BROKER_OPTIONS.map((o) => o.flag.length));
const ENV_WIDTH = Math.max(...BROKER_OPTIONS.map((o) => o.env.length));
const BROKER_USAGE = [
  "usage: tansu broker [flags]   (each flag also reads its environment variable; a flag wins)",
  ...BROKER_OPTIONS.map((o) => `  --${o.flag.padEnd(FLAG_WIDTH)}  ${o.env.padEnd(ENV_WIDTH)}  ${o.about}${o.default === "" ? "" : ` (default ${o.default})`}`),
].join("\n");

/** Settles with the first SIGTERM or SIGINT: one that arrives while a server starts stops it once started. */
function signalled(): Promise<string> {
  return new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "broker": {
      if (rest.includes("--help")) {
        console.log(BROKER_USAGE);
        return 0;
      }
      const signal = signalled();
      const config = brokerConfig(rest, process.env);
      const { startBroker } = await import("./commands/broker.ts");
      const running = await startBroker(config);
      running.broker.log.info("shutting down", { signal: await signal });
      await running.stop();
      return 0;
    }
    case "proxy": {
      const { PROXY_USAGE, proxyConfig } = await import("./proxy/config.ts");
      if (rest.includes("--help")) {
        console.log(PROXY_USAGE);
        return 0;
      }
      const signal = signalled();
      const config = proxyConfig(rest, process.env);
      const { startProxyCommand } = await import("./commands/proxy.ts");
      const running = await startProxyCommand(config);
      running.log.info("shutting down", { signal: await signal });
      running.stop();
      running.log.info("proxy stopped");
      return 0;
    }
    case "topic":
      return (await import("./commands/topic.ts")).topicCommand(rest, process.env);
    case "cat":
      return (await import("./commands/cat.ts")).catCommand(rest, process.env);
    case "user":
      return (await import("./commands/user.ts")).userCommand(rest, process.env);
    case "perf":
      return (await import("./commands/perf.ts")).perfCommand(rest, process.env);
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new ConfigError(`unknown command ${JSON.stringify(command)} (try tansu --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError) {
      console.error(`tansu: ${e.message}`);
      process.exit(2);
    }
    console.error(`tansu: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
