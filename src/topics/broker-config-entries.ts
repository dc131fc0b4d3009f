// The broker settings DescribeConfigs reports for this broker (resource type BROKER): the ones
// clients and admin tools look at, each read-only and STATIC_BROKER_CONFIG because they come from
// flags or the environment. Topic defaults appear under Kafka's broker names (log.retention.ms …).

import type { Broker } from "../broker.ts";
import { type ConfigEntry, CONFIG_TYPE_IDS, ConfigSource, brokerSynonym } from "./config-entries.ts";
import { type ConfigType, TOPIC_CONFIGS, defaultValue } from "./configs.ts";

interface Setting {
  name: string;
  type: ConfigType;
  value: string;
  doc: string;
}

function hostPort({ host, port }: { host: string; port: number }): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function advertisedListeners(broker: Broker): string {
  const listeners = broker.listeners ?? [{ securityProtocol: "PLAINTEXT", advertised: broker.advertised }];
  return listeners.map((l) => `${l.securityProtocol}://${hostPort(l.advertised)}`).join(",");
}

function settings(broker: Broker): Setting[] {
  const c = broker.config;
  const own: Setting[] = [
    { name: "advertised.listeners", type: "STRING", value: advertisedListeners(broker), doc: "The addresses clients are told to connect to, one per listener." },
    { name: "auto.create.topics.enable", type: "BOOLEAN", value: String(c.autoCreateTopicsEnable), doc: "Metadata for an unknown topic creates it." },
    { name: "broker.id", type: "INT", value: String(c.nodeId), doc: "This broker's id (every broker over the same storage reports the same one)." },
    { name: "default.replication.factor", type: "INT", value: String(c.defaultReplicationFactor), doc: "Replication factor reported for new topics; storage provides durability." },
    { name: "connections.max.idle.ms", type: "LONG", value: String(c.connectionsMaxIdleMs), doc: "A connection with no traffic and no request in flight this long is closed." },
    { name: "delete.topic.enable", type: "BOOLEAN", value: "true", doc: "DeleteTopics deletes topics." },
    { name: "group.initial.rebalance.delay.ms", type: "INT", value: String(c.groupInitialRebalanceDelayMs), doc: "How long a consumer group forming from empty waits for more members." },
    { name: "group.max.session.timeout.ms", type: "INT", value: String(c.groupMaxSessionTimeoutMs), doc: "The largest session timeout a consumer group member may ask for." },
    { name: "group.min.session.timeout.ms", type: "INT", value: String(c.groupMinSessionTimeoutMs), doc: "The smallest session timeout a consumer group member may ask for." },
    { name: "max.connections", type: "INT", value: String(c.maxConnections), doc: "Most client connections at once; a connection beyond it is closed." },
    { name: "max.connections.per.ip", type: "INT", value: String(c.maxConnectionsPerIp), doc: "Most client connections from one address; a connection beyond it is closed." },
    { name: "node.id", type: "INT", value: String(c.nodeId), doc: "This broker's id (every broker over the same storage reports the same one)." },
    { name: "num.partitions", type: "INT", value: String(c.numPartitions), doc: "Partitions of auto-created topics and of CreateTopics asking for -1." },
    { name: "queued.max.requests", type: "INT", value: String(c.queuedMaxRequests), doc: "Requests in flight per connection before its socket is not read (Kafka counts them per broker)." },
    { name: "socket.request.max.bytes", type: "INT", value: String(c.socketRequestMaxBytes), doc: "Largest request accepted." },
    { name: "transaction.abort.timed.out.transaction.cleanup.interval.ms", type: "INT", value: String(c.transactionAbortTimedOutTransactionCleanupIntervalMs), doc: "How often every broker looks for transactions past their timeout and aborts them." },
    { name: "transaction.max.timeout.ms", type: "INT", value: String(c.transactionMaxTimeoutMs), doc: "The largest transaction timeout InitProducerId accepts." },
    { name: "transactional.id.expiration.ms", type: "INT", value: String(c.transactionalIdExpirationMs), doc: "A transactional id with no transaction for this long is forgotten." },
  ];
  const names = new Set(own.map((s) => s.name));
  for (const spec of TOPIC_CONFIGS) {
    const name = brokerSynonym(spec.name);
    if (name === undefined || names.has(name)) continue;
    names.add(name);
    own.push({ name, type: spec.type, value: defaultValue(spec, c), doc: `Default of the topic config ${spec.name}.` });
  }
  return own.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function brokerConfigEntries(broker: Broker): ConfigEntry[] {
  return settings(broker).map((s) => ({
    name: s.name,
    value: s.value,
    readOnly: true,
    source: ConfigSource.STATIC_BROKER_CONFIG,
    isSensitive: false,
    synonyms: [{ name: s.name, value: s.value, source: ConfigSource.STATIC_BROKER_CONFIG }],
    configType: CONFIG_TYPE_IDS[s.type],
    documentation: s.doc,
  }));
}
