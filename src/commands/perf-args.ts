// `tansu perf produce|consume` flags → settings, every bad value a ConfigError naming its flag.

import { ConfigError } from "../config.ts";
import { CODECS, type Codec } from "../protocol/records/index.ts";
import { boolFlag, type CommandArgs, commandArgs, type Env, type Flag, intFlag, positionals } from "./cli.ts";

const INT32_MAX = 2 ** 31 - 1;
const flag = (name: string, about: string): Flag => ({ flag: name, env: "", default: "", about });

const TOPIC = flag("topic", "the topic");
const NUM_RECORDS = flag("num-records", "stop after this many records");
const DURATION_MS = flag("duration-ms", "stop after this long");
const JSON_FLAG = "json";

const PRODUCE_FLAGS: Flag[] = [
  TOPIC,
  NUM_RECORDS,
  DURATION_MS,
  flag("record-size", "bytes of each record's value"),
  flag("throughput", "records per second, -1 for as fast as possible"),
  flag("acks", "-1, 0 or 1"),
  flag("compression", "none, gzip, snappy, lz4 or zstd"),
  flag("batch-size", "bytes of records per batch"),
  flag("linger-ms", "how long a batch waits for more records"),
  flag("partitions", "how many of the topic's partitions to use"),
  flag("producers", "concurrent producers, each with its own connections"),
];

const CONSUME_FLAGS: Flag[] = [
  TOPIC,
  NUM_RECORDS,
  DURATION_MS,
  flag("consumers", "concurrent consumers, each with its own connections and partitions"),
  flag("fetch-max-bytes", "the most bytes a Fetch answer may carry"),
  flag("timeout-ms", "give up after this long without a record"),
];

/** When a run stops; neither: the command's default. */
export interface RunLength {
  numRecords: number | null;
  durationMs: number | null;
}

interface Common extends RunLength {
  target: Pick<CommandArgs, "bootstrap" | "client">;
  topic: string;
  json: boolean;
}

export interface ProduceSettings extends Common {
  recordSize: number;
  /** Records per second; null: as fast as the broker takes them. */
  throughput: number | null;
  acks: -1 | 0 | 1;
  compression: Codec;
  batchSize: number;
  lingerMs: number;
  /** How many partitions, from the first; null: all. */
  partitions: number | null;
  producers: number;
  idempotent: boolean;
}

export interface ConsumeSettings extends Common {
  consumers: number;
  fetchMaxBytes: number;
  timeoutMs: number;
}

/** A produce run without --num-records or --duration-ms lasts this long. */
export const DEFAULT_PRODUCE_DURATION_MS = 10_000;

function common(a: CommandArgs, command: string): Common {
  positionals(command, a.positional, []);
  const topic = a.flags.get("topic");
  if (topic === undefined || topic === "") throw new ConfigError(`${command}: --topic is required`);
  const numRecords = intFlag(a.flags, "num-records", 1, Number.MAX_SAFE_INTEGER) ?? null;
  const durationMs = intFlag(a.flags, "duration-ms", 1, Number.MAX_SAFE_INTEGER) ?? null;
  if (numRecords !== null && durationMs !== null) throw new ConfigError(`${command}: --num-records and --duration-ms: give one, not both`);
  return { target: a, topic, numRecords, durationMs, json: boolFlag(a.flags, JSON_FLAG) };
}

function oneOf<T extends string | number>(a: CommandArgs, name: string, choices: readonly T[], fallback: T): T {
  const value = a.flags.get(name);
  if (value === undefined) return fallback;
  const chosen = choices.find((c) => String(c) === value.trim().toLowerCase());
  if (chosen === undefined) throw new ConfigError(`--${name}: expected ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  return chosen;
}

export function produceSettings(args: readonly string[], env: Env): ProduceSettings {
  const a = commandArgs(args, PRODUCE_FLAGS, [JSON_FLAG, "idempotent"], env);
  const base = common(a, "perf produce");
  const throughput = intFlag(a.flags, "throughput", -1, Number.MAX_SAFE_INTEGER) ?? -1;
  if (throughput === 0) throw new ConfigError("--throughput: expected records per second, or -1 for as fast as possible, got 0");
  const acks = oneOf(a, "acks", [-1, 0, 1] as const, -1);
  const idempotent = boolFlag(a.flags, "idempotent");
  if (idempotent && acks !== -1) throw new ConfigError(`--idempotent needs --acks -1 (got --acks ${acks})`);
  return {
    ...base,
    durationMs: base.numRecords === null && base.durationMs === null ? DEFAULT_PRODUCE_DURATION_MS : base.durationMs,
    recordSize: intFlag(a.flags, "record-size", 0, 64 << 20) ?? 100,
    throughput: throughput < 0 ? null : throughput,
    acks,
    compression: oneOf(a, "compression", CODECS, "none"),
    batchSize: intFlag(a.flags, "batch-size", 1, INT32_MAX) ?? 16_384,
    lingerMs: intFlag(a.flags, "linger-ms", 0, INT32_MAX) ?? 5,
    partitions: intFlag(a.flags, "partitions", 1, INT32_MAX) ?? null,
    producers: intFlag(a.flags, "producers", 1, 1024) ?? 1,
    idempotent,
  };
}

export function consumeSettings(args: readonly string[], env: Env): ConsumeSettings {
  const a = commandArgs(args, CONSUME_FLAGS, [JSON_FLAG], env);
  return {
    ...common(a, "perf consume"),
    consumers: intFlag(a.flags, "consumers", 1, 1024) ?? 1,
    fetchMaxBytes: intFlag(a.flags, "fetch-max-bytes", 1, INT32_MAX) ?? 50 << 20,
    timeoutMs: intFlag(a.flags, "timeout-ms", 1, INT32_MAX) ?? 10_000,
  };
}
