// Flags and their environment twins → one typed, validated configuration. Every setting has both a
// `--kebab-flag` and an UPPER_SNAKE environment variable; a flag wins over the environment.

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Endpoint {
  host: string;
  /** 0 means "pick a free port". */
  port: number;
}

export type LogLevel = "error" | "warn" | "info" | "debug";

/** Kafka's security protocols, each named by a listener URL's scheme (tcp, tls, sasl+tcp, sasl+tls). */
export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";

/** One entry of --listener-url with its twin in --advertised-listener-url. */
export interface ListenerConfig {
  securityProtocol: SecurityProtocol;
  endpoint: Endpoint;
  /** null: advertise the listener's own address (0.0.0.0 → localhost; port 0 → the bound port). */
  advertised: Endpoint | null;
}

/** PEM files of the TLS listeners; with `ca`, clients must present a certificate it signed (mutual TLS). */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string | null;
}

export interface BrokerConfig {
  /** The first of `listeners` (its endpoint and advertised address). */
  listener: Endpoint;
  /** null: advertise the listener's own address (0.0.0.0 → localhost; port 0 → the bound port). */
  advertisedListener: Endpoint | null;
  /** Every Kafka listener, in --listener-url's order (at least one). */
  listeners: ListenerConfig[];
  /** null when no listener uses TLS. */
  tls: TlsFiles | null;
  /** How often the TLS files are read again; a change applies to new connections. */
  tlsCheckIntervalMs: number;
  storageEngine: URL;
  /** Retry opening unreachable storage at start rather than exit. */
  waitForStorage: boolean;
  clusterId: string;
  nodeId: number;
  /** null when disabled with an empty --admin-listener-url. */
  adminListener: Endpoint | null;
  /** https://: the admin port uses the TLS listeners' certificate and key. */
  adminTls: boolean;
  /** Whether /api/* (and /metrics unless public) ask who is calling. */
  adminAuth: boolean;
  /** A bearer token accepted as a super user; null: none. */
  adminToken: string | null;
  adminMetricsPublic: boolean;
  schemaRegistry: URL | null;
  /** How long a topic's cached schema (or its absence) is trusted before the registry is asked again. */
  schemaRegistryCheckIntervalMs: number;
  /** Where lake tables go (file: or s3:); null: topics' tansu.lake.* settings have no effect. */
  lakeUrl: URL | null;
  lakeCheckIntervalMs: number;
  lakeMaxExportBytes: number;
  logLevel: LogLevel;
  /** Kafka's socket.request.max.bytes: a larger request closes its connection. */
  socketRequestMaxBytes: number;
  /** Kafka's connections.max.idle.ms: a connection with no traffic and no request in flight this long is closed. */
  connectionsMaxIdleMs: number;
  /** Kafka's max.connections and max.connections.per.ip: a connection beyond either is closed at once. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** A request frame that has started arriving must be whole within this many ms, else its connection is closed. */
  requestFrameTimeoutMs: number;
  /** Kafka's queued.max.requests, per connection: past this many requests in flight, its socket is not read. */
  queuedMaxRequests: number;
  /** Response bytes a connection may hold unsent before it is not read and its Fetches wait. */
  queuedMaxResponseBytes: number;
  /** Kafka's auto.create.topics.enable: Metadata for an unknown topic creates it. */
  autoCreateTopicsEnable: boolean;
  /** Kafka's num.partitions: partitions of an auto-created topic or of a CreateTopics with -1. */
  numPartitions: number;
  /** Kafka's default.replication.factor (reported only: storage provides durability). */
  defaultReplicationFactor: number;
  /** Kafka's message.max.bytes: the largest record batch a topic accepts unless it sets max.message.bytes. */
  messageMaxBytes: number;
  /** Kafka's group.initial.rebalance.delay.ms: how long a group forming from empty waits for more members. */
  groupInitialRebalanceDelayMs: number;
  /** Kafka's group.min.session.timeout.ms and group.max.session.timeout.ms: the session timeouts JoinGroup accepts. */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** Kafka's transaction.max.timeout.ms: the largest transaction timeout InitProducerId accepts. */
  transactionMaxTimeoutMs: number;
  /** Kafka's transactional.id.expiration.ms: a transactional id idle this long is forgotten. */
  transactionalIdExpirationMs: number;
  /** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms: how often timed-out transactions are looked for. */
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  /** Kafka's log.retention.ms, else log.retention.minutes, else log.retention.hours: retention.ms's default; -1 for ever. */
  logRetentionMs: number;
  /** Kafka's log.retention.bytes: retention.bytes's default; -1 for no limit. */
  logRetentionBytes: number;
  /** Kafka's log.retention.check.interval.ms: how often retention and compaction run. */
  logRetentionCheckIntervalMs: number;
  /** The SASL mechanisms SASL listeners offer (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  saslEnabledMechanisms: string[];
  /** Kafka's connections.max.reauth.ms (KIP-368); 0: SASL sessions never expire. */
  connectionsMaxReauthMs: number;
  /** A user created at start if it has no credentials, and a super user; null: none. */
  adminUser: { name: string; password: string } | null;
  /** null with --authorizer none: every request is allowed and the ACL APIs answer SECURITY_DISABLED. */
  authorizer: AclAuthorizerConfig | null;
}

/** --authorizer acl: the ACLs in storage decide every request. */
export interface AclAuthorizerConfig {
  /** Kafka's super.users: principals allowed everything. */
  superUsers: string[];
  /** Kafka's allow.everyone.if.no.acl.found: a resource no ACL matches is open to every principal. */
  allowEveryoneIfNoAclFound: boolean;
  /** How often the ACLs are read again from storage (other brokers' changes arrive within it). */
  refreshIntervalMs: number;
}

interface Option {
  flag: string;
  env: string;
  default: string;
  about: string;
}

export const BROKER_OPTIONS = [
  { flag: "listener-url", env: "LISTENER_URL", default: "tcp://0.0.0.0:9092", about: "where the Kafka protocol listens: comma-separated tcp://, tls://, sasl+tcp:// or sasl+tls:// host:port" },
  { flag: "advertised-listener-url", env: "ADVERTISED_LISTENER_URL", default: "", about: "the address clients of each listener are told to connect to, in the same order and schemes (default: the listeners')" },
  { flag: "tls-cert", env: "TLS_CERT", default: "", about: "PEM certificate (chain) of the tls:// and sasl+tls:// listeners" },
  { flag: "tls-key", env: "TLS_KEY", default: "", about: "PEM private key of that certificate" },
  { flag: "tls-ca", env: "TLS_CA", default: "", about: "PEM CA certificates: TLS clients must present a certificate one of them signed (mutual TLS)" },
  { flag: "tls-check-interval-ms", env: "TLS_CHECK_INTERVAL_MS", default: "5000", about: "how often the TLS files are checked for changes (new connections get the new certificate)" },
  { flag: "storage-engine", env: "STORAGE_ENGINE", default: "sqlite://tansu.db", about: "memory://, sqlite://path, postgres://… or s3://bucket/prefix" },
  { flag: "wait-for-storage", env: "WAIT_FOR_STORAGE", default: "false", about: "when storage cannot be reached at start, retry with backoff instead of exiting" },
  { flag: "cluster-id", env: "CLUSTER_ID", default: "tansu", about: "the cluster id reported to clients" },
  { flag: "node-id", env: "NODE_ID", default: "111", about: "the broker id every broker reports" },
  { flag: "admin-listener-url", env: "ADMIN_LISTENER_URL", default: "http://0.0.0.0:8080", about: "the HTTP admin port (https:// serves it with --tls-cert and --tls-key); empty to disable" },
  { flag: "admin-auth", env: "ADMIN_AUTH", default: "auto", about: "who may read /api/* and /metrics: auto (a stored user or ADMIN_TOKEN once a listener uses SASL or mutual TLS, or --authorizer is acl), required, or none" },
  { flag: "admin-token", env: "ADMIN_TOKEN", default: "", about: "a bearer token the admin port accepts as a super user" },
  { flag: "admin-metrics-public", env: "ADMIN_METRICS_PUBLIC", default: "false", about: "serve /metrics without authentication even when the admin port asks for it" },
  { flag: "schema-registry", env: "SCHEMA_REGISTRY", default: "", about: "file://dir or s3://bucket/prefix holding topic schemas" },
  { flag: "schema-registry-check-interval-ms", env: "SCHEMA_REGISTRY_CHECK_INTERVAL_MS", default: "5000", about: "how often a topic's schema file is checked for changes" },
  { flag: "lake-url", env: "LAKE_URL", default: "", about: "file:///dir or s3://bucket/prefix where topics with tansu.lake.format are written as tables" },
  { flag: "lake-check-interval-ms", env: "LAKE_CHECK_INTERVAL_MS", default: "1000", about: "how often each lake topic's new records are looked at (and written when a flush setting is reached)" },
  { flag: "lake-max-export-bytes", env: "LAKE_MAX_EXPORT_BYTES", default: "33554432", about: "record batch bytes one export reads into memory at most (larger backlogs go in several files)" },
  { flag: "log-level", env: "LOG_LEVEL", default: "info", about: "error, warn, info or debug" },
  { flag: "socket-request-max-bytes", env: "SOCKET_REQUEST_MAX_BYTES", default: "104857600", about: "largest request accepted" },
  { flag: "connections-max-idle-ms", env: "CONNECTIONS_MAX_IDLE_MS", default: "600000", about: "close a connection idle this long" },
  { flag: "max-connections", env: "MAX_CONNECTIONS", default: "2147483647", about: "most client connections at once" },
  { flag: "max-connections-per-ip", env: "MAX_CONNECTIONS_PER_IP", default: "2147483647", about: "most client connections from one address" },
  { flag: "request-frame-timeout-ms", env: "REQUEST_FRAME_TIMEOUT_MS", default: "30000", about: "time a request frame may take to arrive once started" },
  { flag: "queued-max-requests", env: "QUEUED_MAX_REQUESTS", default: "128", about: "requests in flight per connection before its socket is not read" },
  { flag: "queued-max-response-bytes", env: "QUEUED_MAX_RESPONSE_BYTES", default: "16777216", about: "unsent response bytes per connection before its socket is not read" },
  { flag: "auto-create-topics-enable", env: "AUTO_CREATE_TOPICS_ENABLE", default: "true", about: "create unknown topics on Metadata" },
  { flag: "num-partitions", env: "NUM_PARTITIONS", default: "1", about: "partitions of auto-created topics" },
  { flag: "default-replication-factor", env: "DEFAULT_REPLICATION_FACTOR", default: "1", about: "replication factor reported for new topics" },
  { flag: "message-max-bytes", env: "MESSAGE_MAX_BYTES", default: "1048588", about: "largest record batch accepted by default" },
  { flag: "group-initial-rebalance-delay-ms", env: "GROUP_INITIAL_REBALANCE_DELAY_MS", default: "3000", about: "how long a new consumer group waits for more members" },
  { flag: "group-min-session-timeout-ms", env: "GROUP_MIN_SESSION_TIMEOUT_MS", default: "6000", about: "smallest consumer session timeout accepted" },
  { flag: "group-max-session-timeout-ms", env: "GROUP_MAX_SESSION_TIMEOUT_MS", default: "1800000", about: "largest consumer session timeout accepted" },
  { flag: "log-retention-ms", env: "LOG_RETENTION_MS", default: "", about: "default retention.ms of topics (-1: for ever); wins over the minutes and hours forms" },
  { flag: "log-retention-minutes", env: "LOG_RETENTION_MINUTES", default: "", about: "default retention of topics in minutes; wins over hours" },
  { flag: "log-retention-hours", env: "LOG_RETENTION_HOURS", default: "168", about: "default retention of topics in hours" },
  { flag: "log-retention-bytes", env: "LOG_RETENTION_BYTES", default: "-1", about: "default retention.bytes of topics per partition (-1: no limit)" },
  { flag: "log-retention-check-interval-ms", env: "LOG_RETENTION_CHECK_INTERVAL_MS", default: "300000", about: "how often retention and compaction run" },
  { flag: "transaction-max-timeout-ms", env: "TRANSACTION_MAX_TIMEOUT_MS", default: "900000", about: "largest transaction timeout a producer may ask for" },
  { flag: "transactional-id-expiration-ms", env: "TRANSACTIONAL_ID_EXPIRATION_MS", default: "604800000", about: "forget a transactional id idle this long" },
  { flag: "transaction-abort-timed-out-transaction-cleanup-interval-ms", env: "TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS", default: "10000", about: "how often transactions past their timeout are looked for and aborted" },
  { flag: "authorizer", env: "AUTHORIZER", default: "none", about: "none (every request allowed) or acl (the ACLs in storage decide)" },
  { flag: "super-users", env: "SUPER_USERS", default: "", about: "principals allowed everything with --authorizer acl, separated by ';' (User:admin;User:ops)" },
  { flag: "allow-everyone-if-no-acl-found", env: "ALLOW_EVERYONE_IF_NO_ACL_FOUND", default: "false", about: "with --authorizer acl, allow a request on a resource no ACL matches" },
  { flag: "acl-refresh-interval-ms", env: "ACL_REFRESH_INTERVAL_MS", default: "1000", about: "how often the ACLs are read again from storage" },
  { flag: "sasl-enabled-mechanisms", env: "SASL_ENABLED_MECHANISMS", default: "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512", about: "the SASL mechanisms sasl+tcp:// and sasl+tls:// listeners offer, comma-separated" },
  { flag: "connections-max-reauth-ms", env: "CONNECTIONS_MAX_REAUTH_MS", default: "0", about: "a SASL session lasts this long; the client must re-authenticate before (0: for ever)" },
  { flag: "admin-user", env: "ADMIN_USER", default: "", about: "a user created at start (with ADMIN_PASSWORD) if it has no credentials yet, and a super user" },
  { flag: "admin-password", env: "ADMIN_PASSWORD", default: "", about: "ADMIN_USER's password, used only when that user is created" },
] as const satisfies readonly Option[];

type OptionName = (typeof BROKER_OPTIONS)[number]["flag"];

/** Splits `--flag value` / `--flag=value` arguments from positional ones; unknown flags are errors. */
export function parseFlags(args: readonly string[], known: readonly Option[], booleans: readonly string[] = []): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  const names = new Set(known.map((o) => o.flag));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (booleans.includes(name)) {
      flags.set(name, eq < 0 ? "true" : arg.slice(eq + 1));
      continue;
    }
    if (!names.has(name)) throw new ConfigError(`unknown flag --${name}`);
    if (eq >= 0) flags.set(name, arg.slice(eq + 1));
    else {
      const value = args[++i];
      if (value === undefined) throw new ConfigError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { flags, positional };
}

/**
 * Replaces each `${NAME}` in a setting with that environment variable, so that a deployment file
 * which cannot interpolate (Fly.io's [env]) can still say STORAGE_ENGINE = "s3://${BUCKET_NAME}".
 */
export function expandEnv(value: string, env: Record<string, string | undefined>, what: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new ConfigError(`${what}: \${${name}} is not set in the environment`);
    return v;
  });
}

/** A setting's value and where it came from, as error messages name it: `--flag` or `ENV_NAME`. */
export interface Setting {
  value: string;
  what: string;
}

export function settings(flags: Map<string, string>, env: Record<string, string | undefined>, options: readonly Option[]): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (const o of options) {
    const flag = flags.get(o.flag);
    const fromEnv = flag === undefined ? env[o.env] : undefined;
    const what = fromEnv === undefined ? `--${o.flag}` : o.env;
    out.set(o.flag, { value: expandEnv(flag ?? fromEnv ?? o.default, env, what), what });
  }
  return out;
}

export function parseEndpoint(value: string, what: string, scheme: "tcp" | "http" | "https" | ListenerScheme): Endpoint {
  const port = /^[a-z][a-z+]*:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)\/?$/i.exec(value)?.[1];
  if (port !== undefined && Number(port) > 65535) throw new ConfigError(`${what}: port ${port} is out of range (0..65535) in ${JSON.stringify(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what}: not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== `${scheme}:`) throw new ConfigError(`${what}: expected ${scheme}://host:port, got ${JSON.stringify(value)}`);
  if (url.port === "" && !/:0\/?$/.test(value)) throw new ConfigError(`${what}: no port in ${JSON.stringify(value)}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new ConfigError(`${what}: no host in ${JSON.stringify(value)}`);
  return { host, port: url.port === "" ? 0 : Number(url.port) };
}

const SECURITY_PROTOCOLS = { tcp: "PLAINTEXT", tls: "SSL", "sasl+tcp": "SASL_PLAINTEXT", "sasl+tls": "SASL_SSL" } as const satisfies Record<string, SecurityProtocol>;
type ListenerScheme = keyof typeof SECURITY_PROTOCOLS;

export const usesTls = (p: SecurityProtocol) => p === "SSL" || p === "SASL_SSL";

/** A comma-separated list of listener URLs, each with the scheme and endpoint it names. */
function parseListenerUrls(value: string, what: string): { scheme: ListenerScheme; endpoint: Endpoint }[] {
  return value.split(",").map((entry) => {
    const url = entry.trim();
    const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme !== undefined && !(scheme in SECURITY_PROTOCOLS)) {
      throw new ConfigError(`${what}: unknown scheme ${scheme}:// in ${JSON.stringify(url)} (use tcp://, tls://, sasl+tcp:// or sasl+tls://)`);
    }
    const known = (scheme ?? "tcp") as ListenerScheme;
    return { scheme: known, endpoint: parseEndpoint(url, what, known) };
  });
}

/** --listener-url and --advertised-listener-url, paired entry by entry. */
function parseListeners(listeners: Setting, advertised: Setting): ListenerConfig[] {
  const bound = parseListenerUrls(listeners.value, listeners.what);
  const told = advertised.value === "" ? null : parseListenerUrls(advertised.value, advertised.what);
  if (told !== null && told.length !== bound.length) {
    throw new ConfigError(`${advertised.what}: ${told.length} address(es) for ${bound.length} listener(s) in ${listeners.what}; give one per listener, in the same order`);
  }
  const ports = new Map<number, string>();
  return bound.map(({ scheme, endpoint }, i) => {
    const twin = told?.[i];
    if (twin !== undefined && twin.scheme !== scheme) {
      throw new ConfigError(`${advertised.what}: entry ${i + 1} is ${twin.scheme}:// but listener ${i + 1} in ${listeners.what} is ${scheme}://`);
    }
    const taken = ports.get(endpoint.port);
    if (taken !== undefined) throw new ConfigError(`${listeners.what}: port ${endpoint.port} is used by two listeners (${taken} and ${scheme}://)`);
    if (endpoint.port !== 0) ports.set(endpoint.port, `${scheme}://`);
    return { securityProtocol: SECURITY_PROTOCOLS[scheme], endpoint, advertised: twin?.endpoint ?? null };
  });
}

/** The TLS files, required when a listener uses TLS and refused when none does. */
function parseTls(listeners: readonly ListenerConfig[], listenerWhat: string, cert: Setting, key: Setting, ca: Setting, adminTls: boolean): TlsFiles | null {
  const needed = listeners.some((l) => usesTls(l.securityProtocol));
  if (!needed && !adminTls) {
    const stray = [cert, key, ca].find((s) => s.value !== "");
    if (stray !== undefined) throw new ConfigError(`${stray.what} is set but no listener in ${listenerWhat} uses tls:// or sasl+tls:// (nor is the admin port https://)`);
    return null;
  }
  const missing = [cert, key].filter((s) => s.value === "").map((s) => s.what);
  if (missing.length > 0) throw new ConfigError(`${needed ? `${listenerWhat}: a tls:// or sasl+tls:// listener` : "an https:// admin port"} needs ${missing.join(" and ")}`);
  return { cert: cert.value, key: key.value, ca: ca.value === "" ? null : ca.value };
}

export function parseInteger(value: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value.trim())) throw new ConfigError(`${what}: not an integer: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`${what}: ${n} is outside ${min}..${max}`);
  return n;
}

/** --schema-registry: null when empty (no validation); which schemes are served is the registry's to say when it opens. */
export function parseSchemaRegistry(value: string, what: string): URL | null {
  if (value === "") return null;
  if (!URL.canParse(value)) throw new ConfigError(`${what}: not a URL: ${JSON.stringify(value)}`);
  return new URL(value);
}

function parseBoolean(value: string, what: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${what}: expected true or false, got ${JSON.stringify(value)}`);
}

export const STORAGE_SCHEMES = ["memory:", "sqlite:", "postgres:", "postgresql:", "s3:"];

function parseStorage(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what}: not a URL: ${JSON.stringify(value)}`);
  }
  if (!STORAGE_SCHEMES.includes(url.protocol)) {
    throw new ConfigError(`${what}: unknown scheme ${url.protocol}// (use memory://, sqlite://path, postgres://… or s3://bucket)`);
  }
  if (url.protocol === "s3:" && url.hostname === "") throw new ConfigError(`${what}: no bucket in ${JSON.stringify(value)} (use s3://bucket or s3://bucket/prefix)`);
  return url;
}

export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

/** Kafka's precedence: log.retention.ms, else log.retention.minutes, else log.retention.hours; a negative value means for ever. */
function retentionMs(get: (name: OptionName) => string, what: (name: OptionName) => string): number {
  const forms: [OptionName, number][] = [["log-retention-ms", 1], ["log-retention-minutes", 60_000], ["log-retention-hours", 3_600_000]];
  for (const [name, unit] of forms) {
    if (get(name) === "") continue;
    const value = parseInteger(get(name), what(name), -1, Math.floor(Number.MAX_SAFE_INTEGER / unit));
    return value < 0 ? -1 : value * unit;
  }
  return -1;
}

/** Kafka's super.users: `;`-separated principals, each `Type:name`. */
function parseSuperUsers(s: Setting): string[] {
  const users = s.value.split(";").map((u) => u.trim()).filter((u) => u !== "");
  const bad = users.find((u) => !/^[^:]+:.+$/.test(u));
  if (bad !== undefined) throw new ConfigError(`${s.what}: ${JSON.stringify(bad)} is not a principal (use Type:name, e.g. User:admin)`);
  return users;
}

function parseAuthorizer(kind: Setting, superUsers: Setting, allowEveryoneIfNoAclFound: boolean, refreshIntervalMs: number): AclAuthorizerConfig | null {
  const value = kind.value.trim().toLowerCase();
  if (value !== "none" && value !== "acl") throw new ConfigError(`${kind.what}: expected none or acl, got ${JSON.stringify(kind.value)}`);
  const users = parseSuperUsers(superUsers);
  if (value === "none") {
    if (users.length > 0) throw new ConfigError(`${superUsers.what} is set but ${kind.what} is none (use acl)`);
    return null;
  }
  return { superUsers: users, allowEveryoneIfNoAclFound, refreshIntervalMs };
}

export function brokerConfig(args: readonly string[], env: Record<string, string | undefined>): BrokerConfig {
  const { flags, positional } = parseFlags(args, BROKER_OPTIONS, ["wait-for-storage", "allow-everyone-if-no-acl-found"]);
  if (positional.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const s = settings(flags, env, BROKER_OPTIONS);
  const get = (name: OptionName): string => s.get(name)?.value ?? "";
  const what = (name: OptionName): string => s.get(name)?.what ?? `--${name}`;
  const int = (name: OptionName, min: number, max = 2 ** 31 - 1) => parseInteger(get(name), what(name), min, max);
  const bool = (name: OptionName) => parseBoolean(get(name), what(name));
  const long = (name: OptionName, min: number) => parseInteger(get(name), what(name), min, Number.MAX_SAFE_INTEGER);
  const logLevel = get("log-level").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`${what("log-level")}: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`);
  const schemaRegistry = parseSchemaRegistry(get("schema-registry"), what("schema-registry"));
  const lake = get("lake-url");
  let lakeUrl: URL | null = null;
  if (lake !== "") {
    lakeUrl = URL.canParse(lake) ? new URL(lake) : null;
    if (lakeUrl === null || (lakeUrl.protocol !== "file:" && lakeUrl.protocol !== "s3:") || (lakeUrl.protocol === "s3:" && lakeUrl.host === "")) throw new ConfigError(`${what("lake-url")}: expected file:///dir or s3://bucket/prefix, got ${JSON.stringify(lake)}`);
  }
  const admin = get("admin-listener-url");
  const setting = (name: OptionName): Setting => s.get(name) ?? { value: "", what: `--${name}` };
  const listeners = parseListeners(setting("listener-url"), setting("advertised-listener-url"));
  const adminUser = parseAdminUser(setting("admin-user"), setting("admin-password"));
  const groupMinSessionTimeoutMs = int("group-min-session-timeout-ms", 1);
  const groupMaxSessionTimeoutMs = int("group-max-session-timeout-ms", groupMinSessionTimeoutMs);
  const config: BrokerConfig = {
    listener: listeners[0]!.endpoint,
    advertisedListener: listeners[0]!.advertised,
    listeners,
    tls: parseTls(listeners, what("listener-url"), setting("tls-cert"), setting("tls-key"), setting("tls-ca"), admin.startsWith("https:")),
    tlsCheckIntervalMs: int("tls-check-interval-ms", 1),
    storageEngine: parseStorage(get("storage-engine"), what("storage-engine")),
    waitForStorage: bool("wait-for-storage"),
    clusterId: get("cluster-id"),
    nodeId: int("node-id", 0),
    adminListener: admin === "" ? null : parseEndpoint(admin, what("admin-listener-url"), admin.startsWith("https:") ? "https" : "http"),
    adminTls: admin.startsWith("https:"),
    adminAuth: false,
    adminToken: get("admin-token") === "" ? null : get("admin-token"),
    adminMetricsPublic: bool("admin-metrics-public"),
    schemaRegistry,
    schemaRegistryCheckIntervalMs: int("schema-registry-check-interval-ms", 0),
    lakeUrl,
    lakeCheckIntervalMs: int("lake-check-interval-ms", 1),
    lakeMaxExportBytes: int("lake-max-export-bytes", 1024),
    logLevel: logLevel as LogLevel,
    socketRequestMaxBytes: int("socket-request-max-bytes", 1024),
    connectionsMaxIdleMs: int("connections-max-idle-ms", 1),
    maxConnections: int("max-connections", 0),
    maxConnectionsPerIp: int("max-connections-per-ip", 0),
    requestFrameTimeoutMs: int("request-frame-timeout-ms", 1),
    queuedMaxRequests: int("queued-max-requests", 1, 100_000),
    queuedMaxResponseBytes: int("queued-max-response-bytes", 1024),
    autoCreateTopicsEnable: bool("auto-create-topics-enable"),
    numPartitions: int("num-partitions", 1, 100_000),
    defaultReplicationFactor: int("default-replication-factor", 1, 32767),
    messageMaxBytes: int("message-max-bytes", 0),
    groupInitialRebalanceDelayMs: int("group-initial-rebalance-delay-ms", 0),
    groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs,
    transactionMaxTimeoutMs: int("transaction-max-timeout-ms", 1),
    transactionalIdExpirationMs: int("transactional-id-expiration-ms", 1),
    transactionAbortTimedOutTransactionCleanupIntervalMs: int("transaction-abort-timed-out-transaction-cleanup-interval-ms", 1),
    logRetentionMs: retentionMs(get, what),
    logRetentionBytes: long("log-retention-bytes", -1),
    logRetentionCheckIntervalMs: int("log-retention-check-interval-ms", 1),
    authorizer: withAdminUser(parseAuthorizer(setting("authorizer"), setting("super-users"), bool("allow-everyone-if-no-acl-found"), int("acl-refresh-interval-ms", 1)), adminUser),
    saslEnabledMechanisms: parseSaslMechanisms(setting("sasl-enabled-mechanisms")),
    connectionsMaxReauthMs: long("connections-max-reauth-ms", 0),
    adminUser,
  };
  return { ...config, adminAuth: adminAuthOf(setting("admin-auth"), config) };
}

/** auto: ask who is calling once the Kafka listeners do (SASL or mutual TLS) or ACLs decide. */
function adminAuthOf({ value, what }: Setting, config: BrokerConfig): boolean {
  if (value === "required") return true;
  if (value === "none") return false;
  if (value !== "auto") throw new ConfigError(`${what}: expected auto, required or none, got ${JSON.stringify(value)}`);
  const sasl = config.listeners.some((l) => l.securityProtocol === "SASL_PLAINTEXT" || l.securityProtocol === "SASL_SSL");
  return sasl || config.tls?.ca != null || config.authorizer !== null;
}

const SASL_MECHANISM_NAMES = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

function parseSaslMechanisms({ value, what }: Setting): string[] {
  const names = value.split(",").map((m) => m.trim().toUpperCase()).filter((m) => m !== "");
  if (names.length === 0) throw new ConfigError(`${what}: at least one of ${SASL_MECHANISM_NAMES.join(", ")} is needed`);
  for (const m of names) if (!SASL_MECHANISM_NAMES.includes(m)) throw new ConfigError(`${what}: unknown SASL mechanism ${JSON.stringify(m)} (use ${SASL_MECHANISM_NAMES.join(", ")})`);
  return [...new Set(names)];
}

/** ADMIN_USER with ADMIN_PASSWORD: both or neither. */
function parseAdminUser(user: Setting, password: Setting): { name: string; password: string } | null {
  if (user.value === "" && password.value === "") return null;
  if (user.value === "") throw new ConfigError(`${password.what} is set without ${user.what}`);
  if (password.value === "") throw new ConfigError(`${user.what} is set without ${password.what}`);
  if (user.value.includes(",") || user.value.includes("=")) throw new ConfigError(`${user.what}: a SCRAM user name cannot contain ',' or '='`);
  return { name: user.value, password: password.value };
}

/** The admin user is a super user too, so that a fresh deployment is not locked out. */
function withAdminUser(authorizer: AclAuthorizerConfig | null, admin: { name: string } | null): AclAuthorizerConfig | null {
  if (authorizer === null || admin === null) return authorizer;
  const principal = `User:${admin.name}`;
  return authorizer.superUsers.includes(principal) ? authorizer : { ...authorizer, superUsers: [...authorizer.superUsers, principal] };
}
