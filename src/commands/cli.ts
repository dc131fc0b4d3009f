// Argument handling shared by the client commands (topic, cat): flags, positionals, the
// bootstrap server and a client that is closed whatever happens.

import { type Address, KafkaClient, parseBootstrap } from "../client/index.ts";
import { ConfigError, parseFlags, parseInteger, settings } from "../config.ts";

export interface Flag {
  flag: string;
  /** "" for flags without an environment twin. */
  env: string;
  default: string;
  about: string;
}

export const BOOTSTRAP_SERVER: Flag = { flag: "bootstrap-server", env: "BOOTSTRAP_SERVERS", default: "localhost:9092", about: "host:port[,host:port…] of the brokers to start from" };

export const BOOTSTRAP_USAGE = `  --bootstrap-server HOST:PORT[,…]  the brokers to start from (env BOOTSTRAP_SERVERS, default localhost:9092)`;

export type Env = Record<string, string | undefined>;

export interface CommandArgs {
  flags: Map<string, string>;
  positional: string[];
  bootstrap: Address[];
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.some((a) => a === "--help" || a === "-h");
}

export function commandArgs(args: readonly string[], flags: readonly Flag[], booleans: readonly string[], env: Env): CommandArgs {
  const parsed = parseFlags(args, [BOOTSTRAP_SERVER, ...flags], booleans);
  const { value, what } = settings(parsed.flags, env, [BOOTSTRAP_SERVER]).get(BOOTSTRAP_SERVER.flag) ?? { value: BOOTSTRAP_SERVER.default, what: `--${BOOTSTRAP_SERVER.flag}` };
  const bootstrap = parseBootstrap(value);
  if (bootstrap === null) throw new ConfigError(`${what}: expected host:port[,host:port…], got ${JSON.stringify(value)}`);
  return { ...parsed, bootstrap };
}

/** Removes every `--name VALUE` / `--name=VALUE` (a flag that may repeat) and returns the values. */
export function takeRepeated(args: readonly string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === `--${name}`) {
      const value = args[++i];
      if (value === undefined) throw new ConfigError(`--${name} needs a value`);
      values.push(value);
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    else rest.push(arg);
  }
  return { values, rest };
}

/** The required positionals, then the optional ones (undefined when absent); no more. */
export function positionals(what: string, given: readonly string[], required: readonly string[], optional: readonly string[] = []): (string | undefined)[] {
  if (given.length < required.length) throw new ConfigError(`${what}: missing ${required[given.length]}`);
  if (given.length > required.length + optional.length) throw new ConfigError(`${what}: unexpected argument ${JSON.stringify(given[required.length + optional.length])}`);
  return [...required, ...optional].map((_, i) => given[i]);
}

export function intFlag(flags: Map<string, string>, name: string, min: number, max: number): number | undefined {
  const value = flags.get(name);
  return value === undefined ? undefined : parseInteger(value, `--${name}`, min, max);
}

export function boolFlag(flags: Map<string, string>, name: string): boolean {
  const value = flags.get(name);
  if (value === undefined || /^(false|0|no)$/i.test(value)) return false;
  if (/^(true|1|yes)$/i.test(value)) return true;
  throw new ConfigError(`--${name}: expected true or false, got ${JSON.stringify(value)}`);
}

export async function withClient<T>(bootstrap: readonly Address[], run: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}
