// Topic configs, by Kafka's names (plus tansu.* for ours): what each is, its default, and the
// effective value for a topic. Storage keeps only the configs set explicitly on a topic.

import type { BrokerConfig } from "../config.ts";
import type { TopicInfo } from "../storage/engine.ts";

/** DescribeConfigs config types (v3+). */
export type ConfigType = "BOOLEAN" | "STRING" | "INT" | "SHORT" | "LONG" | "DOUBLE" | "LIST" | "CLASS" | "PASSWORD";

export interface TopicConfigSpec {
  name: string;
  type: ConfigType;
  /** The default, or a function of the broker config for defaults a broker setting controls. */
  default: string | ((broker: BrokerConfig) => string);
  /** Allowed values for enumerations. */
  oneOf?: readonly string[];
  /** For a LIST whose items come from a set: the allowed items (each at most once; empty allowed). */
  listOf?: readonly string[];
  /** Bounds for numbers. */
  min?: number;
  max?: number;
}

const LONG_MAX = "9223372036854775807";

export const TOPIC_CONFIGS: readonly TopicConfigSpec[] = [
  { name: "cleanup.policy", type: "LIST", default: "delete", oneOf: ["delete", "compact", "compact,delete", "delete,compact"] },
  { name: "compression.type", type: "STRING", default: "producer", oneOf: ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"] },
  { name: "compression.gzip.level", type: "INT", default: "-1", oneOf: ["-1", "1", "2", "3", "4", "5", "6", "7", "8", "9"] },
  { name: "compression.lz4.level", type: "INT", default: "9", min: 1, max: 17 },
  { name: "compression.zstd.level", type: "INT", default: "3", min: -131072, max: 22 },
  { name: "delete.retention.ms", type: "LONG", default: "86400000", min: 0 },
  { name: "file.delete.delay.ms", type: "LONG", default: "60000", min: 0 },
  { name: "flush.messages", type: "LONG", default: LONG_MAX, min: 1 },
  { name: "flush.ms", type: "LONG", default: LONG_MAX, min: 0 },
  { name: "follower.replication.throttled.replicas", type: "LIST", default: "" },
  { name: "index.interval.bytes", type: "INT", default: "4096", min: 0 },
  { name: "leader.replication.throttled.replicas", type: "LIST", default: "" },
  { name: "local.retention.bytes", type: "LONG", default: "-2", min: -2 },
  { name: "local.retention.ms", type: "LONG", default: "-2", min: -2 },
  { name: "max.compaction.lag.ms", type: "LONG", default: LONG_MAX, min: 1 },
  { name: "max.message.bytes", type: "INT", default: (b) => String(b.messageMaxBytes), min: 0 },
  { name: "message.downconversion.enable", type: "BOOLEAN", default: "true", oneOf: ["true", "false"] },
  { name: "message.format.version", type: "STRING", default: "3.0-IV1" },
  { name: "message.timestamp.after.max.ms", type: "LONG", default: LONG_MAX, min: 0 },
  { name: "message.timestamp.before.max.ms", type: "LONG", default: LONG_MAX, min: 0 },
  { name: "message.timestamp.difference.max.ms", type: "LONG", default: LONG_MAX, min: 0 },
  { name: "message.timestamp.type", type: "STRING", default: "CreateTime", oneOf: ["CreateTime", "LogAppendTime"] },
  { name: "min.cleanable.dirty.ratio", type: "DOUBLE", default: "0.5", min: 0 },
  { name: "min.compaction.lag.ms", type: "LONG", default: "0", min: 0 },
  { name: "min.insync.replicas", type: "INT", default: "1", min: 1 },
  { name: "preallocate", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "remote.log.copy.disable", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "remote.log.delete.on.disable", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "remote.storage.enable", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "retention.bytes", type: "LONG", default: (b) => String(b.logRetentionBytes), min: -1 },
  { name: "retention.ms", type: "LONG", default: (b) => String(b.logRetentionMs), min: -1 },
  { name: "segment.bytes", type: "INT", default: "1073741824", min: 14 },
  { name: "segment.index.bytes", type: "INT", default: "10485760", min: 4 },
  { name: "segment.jitter.ms", type: "LONG", default: "0", min: 0 },
  { name: "segment.ms", type: "LONG", default: "604800000", min: 1 },
  { name: "unclean.leader.election.enable", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "tansu.schema.validation", type: "BOOLEAN", default: "true", oneOf: ["true", "false"] },
  { name: "tansu.lake.format", type: "LIST", default: "", listOf: ["parquet", "iceberg", "delta"] },
  { name: "tansu.lake.sink", type: "BOOLEAN", default: "false", oneOf: ["true", "false"] },
  { name: "tansu.lake.flush.ms", type: "LONG", default: "60000", min: 1 },
  { name: "tansu.lake.flush.rows", type: "LONG", default: "1000000", min: 1 },
  { name: "tansu.lake.flush.bytes", type: "LONG", default: "134217728", min: 1 },
  { name: "tansu.lake.partition", type: "STRING", default: "none", oneOf: ["none", "day"] },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));

export function topicConfigSpec(name: string): TopicConfigSpec | undefined {
  return BY_NAME.get(name);
}

export function defaultValue(spec: TopicConfigSpec, broker: BrokerConfig): string {
  return typeof spec.default === "function" ? spec.default(broker) : spec.default;
}

/** null when the value is acceptable, else why not (for INVALID_CONFIG's message). */
export function validateTopicConfig(name: string, value: string): string | null {
  const spec = BY_NAME.get(name);
  if (spec === undefined) return `unknown topic config ${name}`;
  if (spec.oneOf !== undefined) return spec.oneOf.includes(value) ? null : `${name} must be one of ${spec.oneOf.join(", ")}`;
  if (spec.listOf !== undefined) return listProblem(name, value, spec.listOf);
  const integer = spec.type === "INT" || spec.type === "LONG" || spec.type === "SHORT";
  const ok = integer ? /^-?\d+$/.test(value) : spec.type === "DOUBLE" ? value.trim() !== "" && Number.isFinite(Number(value)) : true;
  if (!ok) return `${name} must be ${integer ? "an integer" : "a number"}`;
  if (spec.type === "INT" && Math.abs(Number(value)) > 2147483647) return `${name} is out of range`;
  if (spec.min !== undefined && Number(value) < spec.min) return `${name} must be at least ${spec.min}`;
  if (spec.max !== undefined && Number(value) > spec.max) return `${name} must be at most ${spec.max}`;
  return null;
}

function listProblem(name: string, value: string, allowed: readonly string[]): string | null {
  const items = value === "" ? [] : value.split(",").map((item) => item.trim());
  const unknown = items.find((item) => !allowed.includes(item));
  if (unknown !== undefined) return `${name} takes a comma-separated list of ${allowed.join(", ")}, not ${JSON.stringify(unknown)}`;
  return new Set(items).size === items.length ? null : `${name} names an item twice`;
}

/** The effective value of a topic config: the topic's own, else the default. */
export function topicConfigValue(broker: BrokerConfig, topic: TopicInfo, name: string): string {
  const own = topic.configs[name];
  if (own !== undefined) return own;
  // Kafka 3.6+ (KIP-937): the deprecated message.timestamp.difference.max.ms still bounds both
  // directions when the newer before/after settings are left at their default
  if (name === "message.timestamp.before.max.ms" || name === "message.timestamp.after.max.ms") {
    const difference = topic.configs["message.timestamp.difference.max.ms"];
    if (difference !== undefined) return difference;
  }
  const spec = BY_NAME.get(name);
  return spec === undefined ? "" : defaultValue(spec, broker);
}
