// Topic configs as CreateTopics (v5+) and DescribeConfigs report them: effective value, where it
// comes from, its synonyms, type and documentation. A topic's own value is DYNAMIC_TOPIC_CONFIG;
// otherwise the default applies, named in synonyms by Kafka's broker setting for it
// (ServerTopicConfigSynonyms: retention.ms ← log.retention.ms …).

import type { BrokerConfig } from "../config.ts";
import { type ConfigType, TOPIC_CONFIGS, type TopicConfigSpec, defaultValue } from "./configs.ts";

/** Kafka's ConfigEntry.ConfigSource ids. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** Kafka's ConfigResource.Type ids (3.9). */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16 } as const;

/** null when a BROKER or BROKER_LOGGER resource name is this broker's id, else why not. */
export function brokerNameProblem(nodeId: number, name: string): string | null {
  if (!/^[+-]?\d+$/.test(name)) return `Broker id must be an integer, but it is: ${name}`;
  return Number(name) === nodeId ? null : `Unexpected broker id, expected ${nodeId}, but received ${name}`;
}

/** DescribeConfigs v3+ configType ids. */
export const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export interface ConfigSynonym {
  name: string;
  value: string;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string;
  readOnly: boolean;
  source: number;
  isSensitive: boolean;
  /** Highest precedence first; the first one is where the value comes from. */
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string | null;
}

interface TopicConfigFacts {
  /** The broker setting that supplies the default (Kafka's name), when Kafka has one. */
  brokerSynonym?: string;
  doc: string;
}

const FACTS: Readonly<Record<string, TopicConfigFacts>> = {
  "cleanup.policy": { brokerSynonym: "log.cleanup.policy", doc: "delete: drop old records by retention; compact: keep the latest record per key; or both." },
  "compression.type": { brokerSynonym: "compression.type", doc: "Codec record batches are stored with; producer keeps the producer's codec." },
  "compression.gzip.level": { brokerSynonym: "compression.gzip.level", doc: "Gzip level when the broker recompresses (it never does: batches are stored as produced)." },
  "compression.lz4.level": { brokerSynonym: "compression.lz4.level", doc: "Lz4 level when the broker recompresses (it never does: batches are stored as produced)." },
  "compression.zstd.level": { brokerSynonym: "compression.zstd.level", doc: "Zstd level when the broker recompresses (it never does: batches are stored as produced)." },
  "delete.retention.ms": { brokerSynonym: "log.cleaner.delete.retention.ms", doc: "How long tombstones stay readable in a compacted topic." },
  "file.delete.delay.ms": { brokerSynonym: "log.segment.delete.delay.ms", doc: "Accepted, no effect: there are no segment files; deleted batches are unreadable at once (S3 objects go after maintenance's safe age)." },
  "flush.messages": { brokerSynonym: "log.flush.interval.messages", doc: "Accepted, no effect: a record is durable in storage before it is acknowledged." },
  "flush.ms": { brokerSynonym: "log.flush.interval.ms", doc: "Accepted, no effect: a record is durable in storage before it is acknowledged." },
  "follower.replication.throttled.replicas": { doc: "Replication throttling (accepted, no effect: storage replicates)." },
  "index.interval.bytes": { brokerSynonym: "log.index.interval.bytes", doc: "Accepted, no effect: storage indexes every batch." },
  "leader.replication.throttled.replicas": { doc: "Replication throttling (accepted, no effect: storage replicates)." },
  "local.retention.bytes": { brokerSynonym: "log.local.retention.bytes", doc: "Tiered storage's local retention (accepted, no effect)." },
  "local.retention.ms": { brokerSynonym: "log.local.retention.ms", doc: "Tiered storage's local retention (accepted, no effect)." },
  "max.compaction.lag.ms": { brokerSynonym: "log.cleaner.max.compaction.lag.ms", doc: "Longest time after a compaction pass before the next one runs whatever the dirty ratio (checked every log.retention.check.interval.ms)." },
  "max.message.bytes": { brokerSynonym: "message.max.bytes", doc: "Largest record batch this topic accepts." },
  "message.downconversion.enable": { brokerSynonym: "log.message.downconversion.enable", doc: "Deprecated in Kafka 3.x; accepted, no effect (records are never down-converted)." },
  "message.format.version": { brokerSynonym: "log.message.format.version", doc: "Deprecated in Kafka 3.x; accepted, no effect (record batch v2 is always used)." },
  "message.timestamp.after.max.ms": { brokerSynonym: "log.message.timestamp.after.max.ms", doc: "How far a record timestamp may be ahead of the broker's clock." },
  "message.timestamp.before.max.ms": { brokerSynonym: "log.message.timestamp.before.max.ms", doc: "How far a record timestamp may be behind the broker's clock." },
  "message.timestamp.difference.max.ms": { brokerSynonym: "log.message.timestamp.difference.max.ms", doc: "Deprecated: bounds timestamps both ways when the before/after settings are left at their default." },
  "message.timestamp.type": { brokerSynonym: "log.message.timestamp.type", doc: "CreateTime keeps the producer's timestamps; LogAppendTime uses the broker's." },
  "min.cleanable.dirty.ratio": { brokerSynonym: "log.cleaner.min.cleanable.ratio", doc: "Share of a partition's bytes that must have arrived since its last compaction pass before the next one runs." },
  "min.compaction.lag.ms": { brokerSynonym: "log.cleaner.min.compaction.lag.ms", doc: "Shortest time a record stays uncompacted." },
  "min.insync.replicas": { brokerSynonym: "min.insync.replicas", doc: "Accepted, no effect: storage replicates; an acknowledged record is durable there." },
  preallocate: { brokerSynonym: "log.preallocate", doc: "Accepted, no effect: there are no segment files." },
  "remote.log.copy.disable": { doc: "Tiered storage (accepted, no effect)." },
  "remote.log.delete.on.disable": { doc: "Tiered storage (accepted, no effect)." },
  "remote.storage.enable": { brokerSynonym: "remote.log.storage.system.enable", doc: "Tiered storage (accepted, no effect)." },
  "retention.bytes": { brokerSynonym: "log.retention.bytes", doc: "Largest size a partition grows to before old records are deleted; -1 for no limit." },
  "retention.ms": { brokerSynonym: "log.retention.ms", doc: "How long records are kept; -1 for ever." },
  "segment.bytes": { brokerSynonym: "log.segment.bytes", doc: "Accepted, no effect: there are no segments; retention and compaction work per record batch." },
  "segment.index.bytes": { brokerSynonym: "log.index.size.max.bytes", doc: "Accepted, no effect: there are no segments." },
  "segment.jitter.ms": { brokerSynonym: "log.roll.jitter.ms", doc: "Accepted, no effect: there are no segments." },
  "segment.ms": { brokerSynonym: "log.roll.ms", doc: "Accepted, no effect: there are no segments; retention and compaction work per record batch." },
  "unclean.leader.election.enable": { brokerSynonym: "unclean.leader.election.enable", doc: "Accepted, no effect: every broker reads the same storage, so no replica is ever out of sync." },
  "tansu.schema.validation": { doc: "Validate produced records against the topic's schema in the schema registry." },
  "tansu.lake.format": { doc: "Open table formats the topic's records are written to under the broker's --lake-url: any of parquet, iceberg, delta (comma-separated); empty: none." },
  "tansu.lake.sink": { doc: "The topic is a way into its lake tables only: its records stay in the log until every table of tansu.lake.format holds them, then the log start moves past them." },
  "tansu.lake.flush.ms": { doc: "A lake table gets the topic's new records at the latest this long after the broker first saw them." },
  "tansu.lake.flush.rows": { doc: "A lake table gets the topic's new records as soon as a partition has this many waiting." },
  "tansu.lake.flush.bytes": { doc: "A lake table gets the topic's new records as soon as a partition has this many bytes of record batches waiting." },
  "tansu.lake.partition": { doc: "none, or day: Iceberg and Delta tables partitioned by the day of the record timestamp (UTC)." },
};

/** Kafka's broker setting that supplies a topic config's default, if it has one. */
export function brokerSynonym(name: string): string | undefined {
  return FACTS[name]?.brokerSynonym;
}

/** The default's synonym name: Kafka's broker setting, else the topic config itself. */
export function defaultSynonymName(name: string): string {
  return brokerSynonym(name) ?? name;
}

export function topicConfigDoc(name: string): string | null {
  return FACTS[name]?.doc ?? null;
}

function topicEntry(broker: BrokerConfig, spec: TopicConfigSpec, own: string | undefined): ConfigEntry {
  const fallback: ConfigSynonym = { name: defaultSynonymName(spec.name), value: defaultValue(spec, broker), source: ConfigSource.DEFAULT_CONFIG };
  const synonyms = own === undefined ? [fallback] : [{ name: spec.name, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, fallback];
  return {
    name: spec.name,
    value: own ?? fallback.value,
    readOnly: false,
    source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    isSensitive: spec.type === "PASSWORD",
    synonyms,
    configType: CONFIG_TYPE_IDS[spec.type],
    documentation: topicConfigDoc(spec.name),
  };
}

/** Every topic config, sorted by name, given the configs set explicitly on the topic. */
export function topicConfigEntries(broker: BrokerConfig, explicit: Readonly<Record<string, string>>): ConfigEntry[] {
  return TOPIC_CONFIGS.map((spec) => topicEntry(broker, spec, Object.hasOwn(explicit, spec.name) ? explicit[spec.name] : undefined)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}
