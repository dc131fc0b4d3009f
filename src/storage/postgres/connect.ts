// The postgres.js client: connection options, statements from queries.sql, and the mapping of
// database failures to StorageError. int8 columns are parsed as numbers: offsets, timestamps
// and producer ids all stay below 2^53.

import postgres from "postgres";
import { StorageError } from "../engine.ts";
import { namedStatements } from "../sql-text.ts";
import text from "./queries.sql" with { type: "text" };

const int8 = { to: 20, from: [20], serialize: (n: number) => String(n), parse: (raw: string) => Number(raw) };

export type Db = postgres.Sql<{ bigint: number }>;
export type Tx = postgres.TransactionSql<{ bigint: number }>;
export type Queryable = Db | Tx;
type Param = string | number | null | Buffer;

export function connect(url: URL, max: number): Db {
  return postgres(url.href, {
    max,
    types: { bigint: int8 },
    onnotice: () => {},
    connect_timeout: 10,
    // seconds before a lost connection is tried again, and so how long a query waits before it
    // fails on a database that is down: postgres.js's default grows to 20 s, which would hold a
    // produce rather than fail it at once with a retriable error
    backoff: () => 0.1,
    connection: { application_name: "tansu" },
  });
}

/** The URL without its password, for logs. */
export function describeUrl(url: URL): string {
  const safe = new URL(url.href);
  safe.password = "";
  return safe.href;
}

const NAMES = [
  "topic-by-name",
  "topic-by-id",
  "topics",
  "insert-topic",
  "lock-topic",
  "lock-watermarks",
  "delete-topic",
  "add-partitions",
  "alter-configs",
  "watermark",
  "lock-watermark",
  "producer-state",
  "producer-states",
  "upsert-producer-state",
  "insert-aborted-transaction",
  "aborted-transactions",
  "copy-records",
  "append-batch",
  "read",
  "batch-at-or-after",
  "batch-max-timestamp",
  "batch-summaries",
  "retained",
  "batches-through",
  "raise-log-start-offset",
  "lock-compaction",
  "delete-batch",
  "replace-batch-bytes",
  "next-producer-id",
  "lock-idempotent",
  "upsert-idempotent",
  "group",
  "groups",
  "insert-group",
  "update-group",
  "delete-group",
  "commit-offsets",
  "offsets",
  "offsets-of",
  "delete-offsets",
  "client-quotas",
  "alter-client-quotas",
  "scram-credentials",
  "scram-credentials-of",
  "upsert-scram-credential",
  "delete-scram-credential",
  "acls",
  "create-acls",
  "delete-acls",
  "transaction",
  "transactions",
  "insert-transaction",
  "update-transaction",
  "delete-transaction",
] as const;

export type StatementName = (typeof NAMES)[number];

export const SQL = namedStatements(text, NAMES);

/** Runs a named statement as a prepared statement. */
export function query<R>(db: Queryable, name: StatementName, params: Param[] = []): Promise<R[]> {
  return db.unsafe<R[]>(SQL[name], params, { prepare: true }).then((rows) => [...rows]);
}

/** SQLSTATEs worth retrying the whole transaction for. */
const RETRIABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 8;

/**
 * Runs `operation`, retrying serialization failures and deadlocks with backoff; database and
 * connection failures become StorageError, anything else (a bug) propagates.
 */
export async function guarded<T>(what: string, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (e) {
      if (e instanceof postgres.PostgresError && RETRIABLE.has(e.code)) {
        if (attempt >= MAX_ATTEMPTS) throw new StorageError("conflict-exhausted", `${what}: ${e.message}`, { cause: e });
        await Bun.sleep(Math.min(100, 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      throw asStorageError(e, what);
    }
  }
}

export function asStorageError(e: unknown, what: string): unknown {
  if (e instanceof StorageError) return e;
  if (e instanceof postgres.PostgresError) return new StorageError("unavailable", `${what}: ${e.code} ${e.message}`, { cause: e });
  if (e instanceof Error && typeof (e as { code?: unknown }).code === "string") {
    return new StorageError("unavailable", `${what}: ${e.message}`, { cause: e });
  }
  return e;
}
