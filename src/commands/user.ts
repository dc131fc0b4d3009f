// `tansu user create|set-password|delete|list`: SASL/SCRAM users, through a broker
// (Describe/AlterUserScramCredentials) or, with --storage-engine, in the store itself (the way in
// before any user exists). Only salts, iterations and derived keys are sent or stored.

import { randomBytes } from "node:crypto";
import { SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS, type ScramMechanism } from "../auth/scram-names.ts";
import { ConfigError, parseInteger } from "../config.ts";
import { BOOTSTRAP_USAGE, commandArgs, type Env, type Flag, positionals, wantsHelp } from "./cli.ts";
import { brokerUsers, storeUsers, type UserStore } from "./user-stores.ts";

export const USER_USAGE = `usage: tansu user <subcommand> [flags]
  create NAME               add a user (fails if it exists)
  set-password NAME         replace a user's password (fails if it does not exist)
  delete NAME               remove a user's credentials
  list                      every user and its SCRAM mechanisms
flags:
  --password PASSWORD       the password (env USER_PASSWORD); or --password-stdin to read it
  --mechanism M             SCRAM-SHA-256, SCRAM-SHA-512 or both (default both)
  --iterations N            PBKDF2 iterations, ${SCRAM_MIN_ITERATIONS}..${SCRAM_MAX_ITERATIONS} (default ${SCRAM_MIN_ITERATIONS})
  --storage-engine URL      change the store directly instead of asking a broker
${BOOTSTRAP_USAGE}`;

const FLAGS: Flag[] = [
  { flag: "password", env: "USER_PASSWORD", default: "", about: "the password" },
  { flag: "mechanism", env: "", default: "both", about: "SCRAM mechanism" },
  { flag: "iterations", env: "", default: String(SCRAM_MIN_ITERATIONS), about: "PBKDF2 iterations" },
  { flag: "storage-engine", env: "", default: "", about: "the store to change directly" },
];

const MECHANISMS: Record<string, ScramMechanism[]> = {
  both: ["SCRAM-SHA-256", "SCRAM-SHA-512"],
  "SCRAM-SHA-256": ["SCRAM-SHA-256"],
  "SCRAM-SHA-512": ["SCRAM-SHA-512"],
};

export async function userCommand(args: readonly string[], env: Env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "help" || wantsHelp(args)) {
    console.log(USER_USAGE);
    return 0;
  }
  if (sub === undefined) throw new ConfigError("user: missing subcommand (create, set-password, delete or list); see tansu user --help");
  if (!["create", "set-password", "delete", "list"].includes(sub)) throw new ConfigError(`user: unknown subcommand ${JSON.stringify(sub)} (create, set-password, delete or list)`);
  const a = commandArgs(rest, FLAGS, ["password-stdin"], env);
  const mechanisms = MECHANISMS[a.flags.get("mechanism") ?? "both"];
  if (mechanisms === undefined) throw new ConfigError(`--mechanism: expected SCRAM-SHA-256, SCRAM-SHA-512 or both, got ${JSON.stringify(a.flags.get("mechanism"))}`);
  const iterations = parseInteger(a.flags.get("iterations") ?? String(SCRAM_MIN_ITERATIONS), "--iterations", SCRAM_MIN_ITERATIONS, SCRAM_MAX_ITERATIONS);
  const storage = a.flags.get("storage-engine") ?? "";
  const store = storage === "" ? await brokerUsers(a.bootstrap, a.client) : await storeUsers(storage);
  try {
    if (sub === "list") return await list(store);
    const [name = ""] = positionals(`user ${sub}`, a.positional, ["NAME"]);
    if (name === "") throw new ConfigError(`user ${sub}: NAME must not be empty`);
    const existing = await store.describe(name);
    if (sub === "delete") {
      if (existing.length === 0) return fail(`user ${name} does not exist`);
      await store.alter(existing.filter((m) => mechanisms.includes(m.mechanism)).map((m) => ({ user: name, mechanism: m.mechanism, password: null })));
      console.log(`deleted user ${name}`);
      return 0;
    }
    if (sub === "create" && existing.length > 0) return fail(`user ${name} already exists (use set-password)`);
    if (sub === "set-password" && existing.length === 0) return fail(`user ${name} does not exist (use create)`);
    const password = await passwordOf(a.flags, env);
    await store.alter(mechanisms.map((mechanism) => ({ user: name, mechanism, password: { password, salt: randomBytes(32), iterations } })));
    console.log(`${sub === "create" ? "created user" : "set the password of"} ${name} (${mechanisms.join(", ")})`);
    return 0;
  } finally {
    await store.close();
  }
}

async function list(store: UserStore): Promise<number> {
  for (const { user, mechanisms } of await store.list()) {
    console.log(`${user}\t${mechanisms.map((m) => `${m.mechanism} iterations=${m.iterations}`).join(", ")}`);
  }
  return 0;
}

function fail(message: string): number {
  console.error(`tansu: ${message}`);
  return 1;
}

async function passwordOf(flags: Map<string, string>, env: Env): Promise<string> {
  const fromStdin = flags.get("password-stdin");
  const password = fromStdin !== undefined && fromStdin !== "false" ? (await Bun.stdin.text()).replace(/\r?\n$/, "") : (flags.get("password") ?? env.USER_PASSWORD ?? "");
  if (password === "") throw new ConfigError("a password is needed: --password, USER_PASSWORD or --password-stdin");
  return password;
}
