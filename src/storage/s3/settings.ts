// s3://bucket[/prefix][?tuning] plus the AWS_* environment → one validated S3Settings.
// Connection: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT (default: AWS itself), AWS_REGION or
// AWS_DEFAULT_REGION (default us-east-1), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
// AWS_SESSION_TOKEN, AWS_ALLOW_HTTP=true for http:// endpoints. Custom endpoints use path-style
// addressing unless `?path-style=false`. Tuning parameters are listed in TUNING below.

import { ConfigError } from "../../config.ts";

export type EtagStyle = "auto" | "quoted" | "unquoted";

export interface S3Tuning {
  /** How long a partition's batches wait for company while an earlier commit is in flight. */
  lingerMs: number;
  /** A data object is cut at this size even within the linger. */
  maxCommitBytes: number;
  /** Commits of one partition in flight at once (data written, index pending). */
  maxInFlightCommits: number;
  /** Index compare-and-swap attempts per commit before "conflict-exhausted". */
  commitAttempts: number;
  /** A commit that has not landed after this long fails (must stay far below orphanMinAgeMs). */
  commitTimeoutMs: number;
  /** Pipeline index writes on the ETag the previous write will get (MD5), when the store uses MD5 ETags. */
  speculativeCommits: boolean;
  /** Live entries in an index before its oldest are rolled into an immutable segment. */
  indexMaxEntries: number;
  /** Live entries kept after a roll. */
  indexKeepEntries: number;
  /** Segment references of one level in an index before they are rolled into one of the next level. */
  segmentFanout: number;
  /** How often waiting fetches and group waits re-read what they wait on. */
  pollMs: number;
  /** How long topic metadata is used before it is revalidated. */
  metadataMaxAgeMs: number;
  /** Bytes of immutable objects (data, segments) kept in memory. */
  cacheBytes: number;
  /** Time between maintenance passes; 0 turns maintenance off. */
  maintenanceIntervalMs: number;
  /** Unreferenced objects younger than this are never deleted. */
  orphanMinAgeMs: number;
  /** Per-request timeout; a request that times out is retried (writes resolve their ambiguity first). */
  requestTimeoutMs: number;
  /** Producer ids taken from the shared counter at once. */
  producerIdBlock: number;
  /** Idempotent-producer state not used for this long is forgotten (Kafka's producer.id.expiration.ms). */
  producerIdExpirationMs: number;
  etagStyle: EtagStyle;
}

export interface S3Settings {
  bucket: string;
  /** "" or a prefix ending in "/". */
  prefix: string;
  /** undefined: AWS's own endpoint for the region. */
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: boolean;
  tuning: S3Tuning;
}

export const DEFAULT_TUNING: S3Tuning = {
  lingerMs: 5,
  maxCommitBytes: 4 << 20,
  maxInFlightCommits: 16,
  commitAttempts: 12,
  commitTimeoutMs: 20_000,
  speculativeCommits: true,
  indexMaxEntries: 512,
  indexKeepEntries: 128,
  segmentFanout: 32,
  pollMs: 100,
  metadataMaxAgeMs: 1_000,
  cacheBytes: 64 << 20,
  maintenanceIntervalMs: 10 * 60_000,
  orphanMinAgeMs: 10 * 60_000,
  requestTimeoutMs: 10_000,
  producerIdBlock: 1_000,
  producerIdExpirationMs: 86_400_000,
  etagStyle: "auto",
};

type NumericTuning = { [K in keyof S3Tuning]: S3Tuning[K] extends number ? K : never }[keyof S3Tuning];

const NUMERIC: Record<string, [NumericTuning, number]> = {
  "linger-ms": ["lingerMs", 0],
  "max-commit-bytes": ["maxCommitBytes", 1],
  "max-in-flight-commits": ["maxInFlightCommits", 1],
  "commit-attempts": ["commitAttempts", 1],
  "commit-timeout-ms": ["commitTimeoutMs", 1],
  "index-max-entries": ["indexMaxEntries", 2],
  "index-keep-entries": ["indexKeepEntries", 1],
  "segment-fanout": ["segmentFanout", 2],
  "poll-ms": ["pollMs", 1],
  "metadata-max-age-ms": ["metadataMaxAgeMs", 0],
  "cache-bytes": ["cacheBytes", 0],
  "maintenance-interval-ms": ["maintenanceIntervalMs", 0],
  "orphan-min-age-ms": ["orphanMinAgeMs", 0],
  "request-timeout-ms": ["requestTimeoutMs", 1],
  "producer-id-block": ["producerIdBlock", 1],
  "producer-id-expiration-ms": ["producerIdExpirationMs", 1],
};

const TUNING_PARAMETERS = [...Object.keys(NUMERIC), "speculative-commits", "etag-style", "path-style"];

function flag(value: string, name: string, what: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${what}: ${name}=${value} is not true or false`);
}

/** `what`: the flag the URL came from, as errors name it. */
export function parseTuning(params: URLSearchParams, base: S3Tuning = DEFAULT_TUNING, what = "--storage-engine"): S3Tuning {
  const tuning: S3Tuning = { ...base };
  for (const [name, value] of params) {
    const numeric = NUMERIC[name];
    if (numeric !== undefined) {
      const [field, min] = numeric;
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${what}: ${name}=${value} must be an integer >= ${min}`);
      tuning[field] = n;
    } else if (name === "speculative-commits") tuning.speculativeCommits = flag(value, name, what);
    else if (name === "etag-style") {
      if (value !== "auto" && value !== "quoted" && value !== "unquoted") throw new ConfigError(`${what}: etag-style=${value} is not auto, quoted or unquoted`);
      tuning.etagStyle = value;
    } else if (name !== "path-style") throw new ConfigError(`${what}: unknown s3 parameter ${name} (known: ${TUNING_PARAMETERS.join(", ")})`);
  }
  if (tuning.indexKeepEntries >= tuning.indexMaxEntries) throw new ConfigError(`${what}: index-keep-entries must be below index-max-entries`);
  if (tuning.maintenanceIntervalMs > 0 && tuning.orphanMinAgeMs < 2 * tuning.commitTimeoutMs + 2 * tuning.requestTimeoutMs) {
    throw new ConfigError(`${what}: orphan-min-age-ms must be at least twice commit-timeout-ms plus twice request-timeout-ms`);
  }
  return tuning;
}

export type Env = Record<string, string | undefined>;

export function s3Settings(url: URL, env: Env, base?: S3Tuning, what = "--storage-engine"): S3Settings {
  const bucket = decodeURIComponent(url.hostname);
  if (bucket === "") throw new ConfigError(`${what}: no bucket in ${url.href} (e.g. s3://bucket/prefix)`);
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT || undefined;
  if (endpoint !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(endpoint);
    } catch {
      throw new ConfigError(`AWS_ENDPOINT: not a URL: ${JSON.stringify(endpoint)}`);
    }
    if (parsed.protocol === "http:" && !/^(true|1|yes)$/i.test(env.AWS_ALLOW_HTTP ?? "")) {
      throw new ConfigError(`AWS_ENDPOINT ${endpoint} is plain HTTP; set AWS_ALLOW_HTTP=true to allow it`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ConfigError(`AWS_ENDPOINT: expected http:// or https://, got ${endpoint}`);
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID ?? "";
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? "";
  if (accessKeyId === "" || secretAccessKey === "") throw new ConfigError(`${what}: s3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  const pathStyle = url.searchParams.get("path-style");
  return {
    bucket,
    prefix: path === "" ? "" : `${path}/`,
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    credentials: sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
    forcePathStyle: pathStyle === null ? endpoint !== undefined : flag(pathStyle, "path-style", what),
    tuning: parseTuning(url.searchParams, base, what),
  };
}

/** The location without secrets, for logs. */
export function describeS3(settings: S3Settings): string {
  return `s3://${settings.bucket}/${settings.prefix}${settings.endpoint === undefined ? ` in ${settings.region}` : ` at ${settings.endpoint}`}`;
}
