// Argument handling shared by the client commands (topic, cat): flags, positionals, the
// bootstrap server and a client that is closed whatever happens.

import { type Address, type ClientOptions, KafkaClient, parseBootstrap } from "../client/index.ts";
import { readCaFile, saslMechanism } from "../client/security-settings.ts";
import { ConfigError, parseFlags, parseInteger, settings } from "../config.ts";

export interface Flag {
  flag: string;
  /** "" for flags without an environment twin. */
  env: string;
  default: string;
  about: string;
}

export const BOOTSTRAP_SERVER: Flag = { flag: "bootstrap-server", env: "BOOTSTRAP_SERVERS", default: "localhost:9092", about: "host:port[,host:port…] of the brokers to start from" };

export const BOOTSTRAP_USAGE = `  --bootstrap-server HOST:PORT[,…]  the brokers to start from (env BOOTSTRAP_SERVERS, default localhost:9092)
  --security-protocol P      PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL (env SECURITY_PROTOCOL)
  --sasl-mechanism M         PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default; env SASL_MECHANISM)
  --sasl-username NAME       (env SASL_USERNAME) and --sasl-password PASSWORD (env SASL_PASSWORD)
  --ssl-ca-location FILE     PEM CA certificates to trust instead of the system's (env SSL_CA_LOCATION)`;

const SECURITY: Flag[] = [
  { flag: "security-protocol", env: "SECURITY_PROTOCOL", default: "PLAINTEXT", about: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL" },
  { flag: "sasl-mechanism", env: "SASL_MECHANISM", default: "SCRAM-SHA-512", about: "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" },
  { flag: "sasl-username", env: "SASL_USERNAME", default: "", about: "the SASL user" },
  { flag: "sasl-password", env: "SASL_PASSWORD", default: "", about: "its password" },
  { flag: "ssl-ca-location", env: "SSL_CA_LOCATION", default: "", about: "PEM CA certificates to trust" },
];

export type Env = Record<string, string | undefined>;

export interface CommandArgs {
  flags: Map<string, string>;
  positional: string[];
  bootstrap: Address[];
  /** TLS and SASL for the connections to the brokers. */
  client: ClientOptions;
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.some((a) => a === "--help" || a === "-h");
}

export function commandArgs(args: readonly string[], flags: readonly Flag[], booleans: readonly string[], env: Env): CommandArgs {
  const parsed = parseFlags(args, [BOOTSTRAP_SERVER, ...SECURITY, ...flags], booleans);
  const known = settings(parsed.flags, env, [BOOTSTRAP_SERVER, ...SECURITY]);
  const setting = (flag: string) => known.get(flag) ?? { value: "", what: `--${flag}` };
  const { value, what } = setting(BOOTSTRAP_SERVER.flag);
  const bootstrap = parseBootstrap(value);
  if (bootstrap === null) throw new ConfigError(`${what}: expected host:port[,host:port…], got ${JSON.stringify(value)}`);
  return { ...parsed, bootstrap, client: clientSecurity(setting) };
}

function clientSecurity(setting: (flag: string) => { value: string; what: string }): ClientOptions {
  const protocol = setting("security-protocol");
  const name = protocol.value.toUpperCase();
  if (!["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(name)) throw new ConfigError(`${protocol.what}: expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got ${JSON.stringify(protocol.value)}`);
  const ca = setting("ssl-ca-location");
  const tls = name.endsWith("SSL") ? { ca: ca.value === "" ? undefined : readCaFile(ca) } : null;
  if (!name.startsWith("SASL")) return { tls, sasl: null };
  const chosen = saslMechanism(setting("sasl-mechanism"));
  const username = setting("sasl-username");
  const password = setting("sasl-password");
  if (username.value === "" || password.value === "") throw new ConfigError(`${protocol.what} ${name} needs --sasl-username and --sasl-password (or SASL_USERNAME and SASL_PASSWORD)`);
  return { tls, sasl: { mechanism: chosen, username: username.value, password: password.value } };
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

export async function withClient<T>(target: Pick<CommandArgs, "bootstrap" | "client">, run: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(target.bootstrap, target.client);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}
