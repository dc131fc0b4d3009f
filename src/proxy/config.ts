// `tansu proxy` flags and their environment twins → one typed ProxyConfig, with the broker's rules:
// a flag wins over the environment, and a bad value is one ConfigError naming where it came from.

import { type Address, parseAddress } from "../client/address.ts";
import { ConfigError, type Endpoint, LOG_LEVELS, type LogLevel, parseEndpoint, parseFlags, parseInteger, parseSchemaRegistry, type Setting, settings } from "../config.ts";
import { parseUpstreamSecurity, UPSTREAM_SECURITY_OPTIONS, type UpstreamSecurity } from "./upstream-security.ts";

export interface ProxyConfig {
  /** The upstream cluster's bootstrap brokers, in --upstream's order. */
  upstream: Address[];
  /** TLS and SASL on every upstream connection (the proxy's own: clients connect to the proxy in plaintext). */
  upstreamSecurity: UpstreamSecurity;
  /** The bootstrap port; node N listens on its port + 1 + N (see node-ports.ts). */
  listener: Endpoint;
  /** null: advertise the listener's own address (0.0.0.0 → localhost; port 0 → the bound port). */
  advertisedListener: Endpoint | null;
  /** The HTTP admin port (/health, /ready, /metrics); null when disabled with an empty --admin-listener-url. */
  adminListener: Endpoint | null;
  /** The largest upstream node id that gets a port; a larger one is left out of every answer. */
  maxNodeId: number;
  /** TCP connections to each upstream broker, shared by every client. */
  upstreamConnections: number;
  /** How long an upstream request may take (a JoinGroup also gets its rebalance timeout). */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** Kafka's socket.request.max.bytes: a larger client request closes its connection. */
  socketRequestMaxBytes: number;
  /** Kafka's queued.max.requests, per client connection: past this many in flight, its socket is not read. */
  queuedMaxRequests: number;
  /** Response bytes a client connection may hold unsent before its socket is not read. */
  queuedMaxResponseBytes: number;
  /** Kafka's connections.max.idle.ms: a client connection without traffic or requests this long is closed. */
  connectionsMaxIdleMs: number;
  /** A request frame started and not complete this long closes its connection. */
  requestFrameTimeoutMs: number;
  /** Kafka's max.connections and max.connections.per.ip, over the proxy's ports. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Where topic schemas live (as the broker's); null: Produce requests pass unread. */
  schemaRegistry: URL | null;
  schemaRegistryCheckIntervalMs: number;
  /** How long a Produce waits to be coalesced with other clients' (produce-batches.ts); 0: never coalesced. */
  produceLingerMs: number;
  /** A coalesced upstream Produce request goes at once when its batches reach this many bytes. */
  produceBatchMaxBytes: number;
  logLevel: LogLevel;
}

export const PROXY_OPTIONS = [
  { flag: "upstream", env: "UPSTREAM", default: "", about: "the Kafka cluster to proxy: kafka://host:port[,host:port…] (required)" },
  ...UPSTREAM_SECURITY_OPTIONS,
  { flag: "listener-url", env: "LISTENER_URL", default: "tcp://0.0.0.0:9092", about: "the bootstrap port; upstream node N gets this port + 1 + N" },
  { flag: "advertised-listener-url", env: "ADVERTISED_LISTENER_URL", default: "", about: "the address clients are told to connect to (default: the listener's); node N is told port + 1 + N" },
  { flag: "admin-listener-url", env: "ADMIN_LISTENER_URL", default: "http://0.0.0.0:8080", about: "the HTTP admin port: /health, /ready (an upstream broker answers), /metrics; empty to disable" },
  { flag: "max-node-id", env: "MAX_NODE_ID", default: "1000", about: "the largest upstream node id given a port (larger ones are left out)" },
  { flag: "upstream-connections", env: "UPSTREAM_CONNECTIONS", default: "4", about: "TCP connections to each upstream broker, shared by all clients" },
  { flag: "request-timeout-ms", env: "REQUEST_TIMEOUT_MS", default: "30000", about: "an upstream request without an answer this long closes its client's connection" },
  { flag: "connect-timeout-ms", env: "CONNECT_TIMEOUT_MS", default: "10000", about: "how long connecting to an upstream broker may take" },
  { flag: "socket-request-max-bytes", env: "SOCKET_REQUEST_MAX_BYTES", default: "104857600", about: "largest request accepted" },
  { flag: "queued-max-requests", env: "QUEUED_MAX_REQUESTS", default: "128", about: "requests in flight per connection before its socket is not read" },
  { flag: "queued-max-response-bytes", env: "QUEUED_MAX_RESPONSE_BYTES", default: "16777216", about: "unsent response bytes per connection before its socket is not read" },
  { flag: "connections-max-idle-ms", env: "CONNECTIONS_MAX_IDLE_MS", default: "600000", about: "close a client connection idle this long" },
  { flag: "request-frame-timeout-ms", env: "REQUEST_FRAME_TIMEOUT_MS", default: "30000", about: "time a request frame may take to arrive once started" },
  { flag: "max-connections", env: "MAX_CONNECTIONS", default: "2147483647", about: "most client connections at once" },
  { flag: "max-connections-per-ip", env: "MAX_CONNECTIONS_PER_IP", default: "2147483647", about: "most client connections from one address" },
  { flag: "schema-registry", env: "SCHEMA_REGISTRY", default: "", about: "file://dir or s3://bucket/prefix holding topic schemas; produced records that do not fit are refused here (unset: no checks)" },
  { flag: "schema-registry-check-interval-ms", env: "SCHEMA_REGISTRY_CHECK_INTERVAL_MS", default: "5000", about: "how often a topic's schema file is checked for changes" },
  { flag: "produce-linger-ms", env: "PRODUCE_LINGER_MS", default: "0", about: "coalesce clients' Produce requests to a broker that arrive within this long into fewer upstream requests (0: off)" },
  { flag: "produce-batch-max-bytes", env: "PRODUCE_BATCH_MAX_BYTES", default: "1048576", about: "a coalesced upstream Produce request goes at once when it holds this many bytes" },
  { flag: "log-level", env: "LOG_LEVEL", default: "info", about: "error, warn, info or debug" },
] as const;

type OptionName = (typeof PROXY_OPTIONS)[number]["flag"];

const FLAG_WIDTH = Math.max(...PROXY_OPTIONS.map((o) => o.flag.length));
const ENV_WIDTH = Math.max(...PROXY_OPTIONS.map((o) => o.env.length));

export const PROXY_USAGE = [
  "usage: tansu proxy --upstream kafka://host:port[,…] [flags]   (each flag also reads its environment variable; a flag wins)",
  ...PROXY_OPTIONS.map((o) => `  --${o.flag.padEnd(FLAG_WIDTH)}  ${o.env.padEnd(ENV_WIDTH)}  ${o.about}${o.default === "" ? "" : ` (default ${o.default})`}`),
].join("\n");

/** `kafka://host:port[,host:port…]`; each entry may repeat the scheme. */
function parseUpstream({ value, what }: Setting): Address[] {
  if (value.trim() === "") throw new ConfigError(`${what} is required (kafka://host:port[,host:port…])`);
  return value.split(",").map((entry) => {
    const address = parseAddress(entry.trim().replace(/^kafka:\/\//i, ""));
    if (address === null) throw new ConfigError(`${what}: expected kafka://host:port[,host:port…], got ${JSON.stringify(value)}`);
    return address;
  });
}

/** http://host:port, or empty for none; the proxy has no certificate of its own to serve https:// with. */
function parseAdminListener({ value, what }: Setting, listener: Endpoint, maxNodeId: number): Endpoint | null {
  if (value === "") return null;
  if (/^https:/i.test(value)) throw new ConfigError(`${what}: the proxy's admin port serves http:// only, got ${JSON.stringify(value)}`);
  const admin = parseEndpoint(value, what, "http");
  const last = listener.port + 1 + maxNodeId;
  if (admin.port !== 0 && listener.port !== 0 && admin.port >= listener.port && admin.port <= last) {
    throw new ConfigError(`${what}: port ${admin.port} is one of the proxy's Kafka ports ${listener.port}..${last} (--listener-url's port, then + 1 + node id)`);
  }
  return admin;
}

export function proxyConfig(args: readonly string[], env: Record<string, string | undefined>): ProxyConfig {
  const { flags, positional } = parseFlags(args, PROXY_OPTIONS);
  if (positional.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const s = settings(flags, env, PROXY_OPTIONS);
  const setting = (name: OptionName): Setting => s.get(name) ?? { value: "", what: `--${name}` };
  const int = (name: OptionName, min: number, max = 2 ** 31 - 1) => parseInteger(setting(name).value, setting(name).what, min, max);
  const logLevel = setting("log-level").value.toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`${setting("log-level").what}: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`);
  const listener = parseEndpoint(setting("listener-url").value, setting("listener-url").what, "tcp");
  const told = setting("advertised-listener-url");
  const advertisedListener = told.value === "" ? null : parseEndpoint(told.value, told.what, "tcp");
  const maxNodeId = int("max-node-id", 0);
  for (const [port, what] of [[listener.port, setting("listener-url").what], [advertisedListener?.port ?? 0, told.what]] as const) {
    if (port !== 0 && port + 1 + maxNodeId > 65535) {
      throw new ConfigError(`${setting("max-node-id").what}: node ports ${port + 1}..${port + 1 + maxNodeId} (${what}'s port + 1 + node id) run past 65535`);
    }
  }
  return {
    upstream: parseUpstream(setting("upstream")),
    upstreamSecurity: parseUpstreamSecurity(setting),
    listener,
    advertisedListener,
    adminListener: parseAdminListener(setting("admin-listener-url"), listener, maxNodeId),
    maxNodeId,
    upstreamConnections: int("upstream-connections", 1, 64),
    requestTimeoutMs: int("request-timeout-ms", 1),
    connectTimeoutMs: int("connect-timeout-ms", 1),
    socketRequestMaxBytes: int("socket-request-max-bytes", 1024),
    queuedMaxRequests: int("queued-max-requests", 1, 100_000),
    queuedMaxResponseBytes: int("queued-max-response-bytes", 1024),
    connectionsMaxIdleMs: int("connections-max-idle-ms", 1),
    requestFrameTimeoutMs: int("request-frame-timeout-ms", 1),
    maxConnections: int("max-connections", 0),
    maxConnectionsPerIp: int("max-connections-per-ip", 0),
    schemaRegistry: parseSchemaRegistry(setting("schema-registry").value, setting("schema-registry").what),
    schemaRegistryCheckIntervalMs: int("schema-registry-check-interval-ms", 0),
    produceLingerMs: int("produce-linger-ms", 0, 60_000),
    produceBatchMaxBytes: int("produce-batch-max-bytes", 1024),
    logLevel: logLevel as LogLevel,
  };
}
