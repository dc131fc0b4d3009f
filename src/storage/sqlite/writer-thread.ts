// Worker thread entry: a second connection to the database that does the engine's writes to
// partitions (batches, transaction markers, DeleteRecords, retention, compaction's rewrites), so a
// produce's insert and commit (and the commit's fsync) leave the broker's event loop free, and the
// cleaner never competes with appends for SQLite's one write lock. It writes exactly as the engine's own connection would (records.ts,
// markers.ts, BEGIN IMMEDIATE, busy retries);
// SQLite orders it with every other writer. See writer.ts; a separate entry of the compiled binary.

import { Database } from "bun:sqlite";
import type { AppendBatch, AppendResult, LogStartResult, RetentionPolicy, TxnMarker, TxnMarkerResult } from "../engine.ts";
import { StorageError, type StorageErrorCode } from "../engine.ts";
import { BUSY_TIMEOUT_MS, withBusyRetry } from "./busy.ts";
import * as markers from "./markers.ts";
import * as records from "./records.ts";
import * as retention from "./retention.ts";
import { Statements } from "./statements.ts";
import type { SqliteLocation } from "./url.ts";

export type WriterRequest =
  | { kind: "open"; location: SqliteLocation }
  | { kind: "append"; id: number; topic: string; partition: number; batch: AppendBatch; now: number }
  | { kind: "marker"; id: number; topic: string; partition: number; marker: TxnMarker; now: number }
  | { kind: "delete-records"; id: number; topic: string; partition: number; offset: number }
  | { kind: "retention"; id: number; topic: string; partition: number; policy: RetentionPolicy }
  | { kind: "compaction"; id: number; partition: number; planned: retention.PlannedCompaction };

export type WriterReply =
  | { kind: "ready" }
  | { kind: "failed"; message: string }
  | { kind: "appended"; id: number; result: AppendResult }
  | { kind: "marked"; id: number; result: TxnMarkerResult }
  | { kind: "log-start"; id: number; result: LogStartResult }
  | { kind: "compacted"; id: number; result: { errorCode: 0; removedRecords: number } }
  | { kind: "error"; id: number; code: StorageErrorCode | null; message: string };

declare const self: Worker;
let statements: Statements | undefined;
const reply = (r: WriterReply) => self.postMessage(r);

function open(location: SqliteLocation): void {
  try {
    const db = new Database(location.path, { readwrite: true });
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.run(`PRAGMA synchronous = ${location.synchronous.toUpperCase()}`);
    statements = new Statements(db);
    reply({ kind: "ready" });
  } catch (e) {
    reply({ kind: "failed", message: e instanceof Error ? e.message : String(e) });
  }
}

async function write(m: Exclude<WriterRequest, { kind: "open" }>): Promise<void> {
  const s = statements;
  if (s === undefined) return reply({ kind: "error", id: m.id, code: "unavailable", message: "the writer thread has no database" });
  const immediate = <T>(what: string, fn: () => T): Promise<T> => {
    const tx = s.db.transaction(fn);
    return withBusyRetry(() => tx.immediate(), what);
  };
  try {
    switch (m.kind) {
      case "append":
        return reply({ kind: "appended", id: m.id, result: await immediate("append", () => records.append(s, m.topic, m.partition, m.batch, m.now)) });
      case "marker":
        return reply({ kind: "marked", id: m.id, result: await immediate("write txn marker", () => markers.writeTxnMarker(s, m.topic, m.partition, m.marker, m.now)) });
      case "delete-records":
        return reply({ kind: "log-start", id: m.id, result: await immediate("delete records", () => retention.deleteRecords(s, m.topic, m.partition, m.offset)) });
      case "retention":
        return reply({ kind: "log-start", id: m.id, result: await immediate("apply retention", () => retention.applyRetention(s, m.topic, m.partition, m.policy)) });
      case "compaction":
        return reply({ kind: "compacted", id: m.id, result: await immediate("compact", () => retention.applyCompaction(s, m.partition, m.planned)) });
    }
  } catch (e) {
    reply({ kind: "error", id: m.id, code: e instanceof StorageError ? e.code : null, message: e instanceof Error ? e.message : String(e) });
  }
}

// one write at a time, in the order sent: one waiting out another process's lock holds back the
// rest (the engine promises appends in call order)
let appending = Promise.resolve();

self.onmessage = (event: MessageEvent<WriterRequest>) => {
  const m = event.data;
  if (m.kind === "open") open(m.location);
  else appending = appending.then(() => write(m));
};
