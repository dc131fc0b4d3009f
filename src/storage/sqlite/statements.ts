// The engine's prepared statements, compiled once per connection from queries.sql.

import type { Database, Statement } from "bun:sqlite";
import { namedStatements } from "../sql-text.ts";
import text from "./queries.sql" with { type: "text" };

const NAMES = [
  "topic-by-name",
  "topic-by-id",
  "topics",
  "insert-topic",
  "insert-watermark",
  "set-partition-count",
  "set-configs",
  "delete-topic",
  "delete-watermarks",
  "delete-batches",
  "delete-producer-states",
  "delete-aborted-txns",
  "watermark",
  "partition-offsets",
  "take-offsets",
  "insert-batch",
  "batch-start",
  "batches-from",
  "batch-at-or-after",
  "batch-max-timestamp",
  "producer-state",
  "producer-states",
  "upsert-producer-state",
  "insert-aborted-txn",
  "aborted-txns",
  "next-producer-id",
  "idempotent-epoch",
  "upsert-idempotent",
  "delete-topic-offsets",
  "group",
  "groups",
  "next-group-version",
  "upsert-group",
  "delete-group",
  "delete-group-offsets",
  "upsert-offset",
  "offsets",
  "offset",
  "delete-offset",
  "client-quotas",
  "upsert-client-quota",
  "delete-client-quota",
  "scram-credentials",
  "scram-credentials-of",
  "upsert-scram-credential",
  "delete-scram-credential",
  "acls",
  "insert-acl",
  "delete-acl",
  "transaction",
  "transactions",
  "next-transaction-version",
  "upsert-transaction",
  "delete-transaction",
  "raise-log-start-offset",
  "delete-batches-below",
  "delete-aborted-below",
  "batch-summaries",
  "batches-through",
  "replace-batch-bytes",
  "delete-batch",
  "retained",
] as const;

export type StatementName = (typeof NAMES)[number];

const SQL = namedStatements(text, NAMES);

export interface TopicRow {
  id: number;
  name: string;
  topic_id: string;
  partition_count: number;
  replication_factor: number;
  configs: string;
}

export interface WatermarkRow {
  topic: number;
  log_start_offset: number;
  high_watermark: number;
}

export interface OffsetsRow extends WatermarkRow {
  last_stable_offset: number;
}

export interface BatchRow {
  base_offset: number;
  last_offset: number;
  max_timestamp: number;
  bytes: Uint8Array;
}

export class Statements {
  private readonly cache = new Map<StatementName, Statement>();

  constructor(readonly db: Database) {}

  get<R>(name: StatementName, ...params: (string | number | bigint | Uint8Array | null)[]): R | null {
    return this.statement(name).get(...params) as R | null;
  }

  all<R>(name: StatementName, ...params: (string | number | bigint | Uint8Array | null)[]): R[] {
    return this.statement(name).all(...params) as R[];
  }

  iterate<R>(name: StatementName, ...params: (string | number | bigint | Uint8Array | null)[]): IterableIterator<R> {
    return this.statement(name).iterate(...params) as IterableIterator<R>;
  }

  run(name: StatementName, ...params: (string | number | bigint | Uint8Array | null)[]): void {
    this.statement(name).run(...params);
  }

  /** Runs a write; answers how many rows it changed. */
  changes(name: StatementName, ...params: (string | number | bigint | Uint8Array | null)[]): number {
    return this.statement(name).run(...params).changes;
  }

  private statement(name: StatementName): Statement {
    let statement = this.cache.get(name);
    if (statement === undefined) this.cache.set(name, (statement = this.db.prepare(SQL[name])));
    return statement;
  }
}
