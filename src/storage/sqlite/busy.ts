// Several broker processes may share one database file. SQLite lets one writer in at a time; a
// connection that finds the lock taken gets SQLITE_BUSY after its (short, event-loop blocking)
// busy_timeout. Here the whole operation is retried after an asynchronous backoff, so the event
// loop keeps serving other clients, up to a bound; then StorageError("conflict-exhausted").

import { SQLiteError } from "bun:sqlite";
import { StorageError } from "../engine.ts";

/** Milliseconds SQLite itself waits for a lock before reporting SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 20;
const MAX_ATTEMPTS = 60;
const MAX_BACKOFF_MS = 100;

export function isBusy(e: unknown): boolean {
  return e instanceof SQLiteError && /^SQLITE_(BUSY|LOCKED)/.test(e.code ?? "");
}

/** Runs `operation` (which must have no effects outside the database) until it gets the lock. */
export async function withBusyRetry<T>(operation: () => T, what: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return operation();
    } catch (e) {
      if (!isBusy(e)) throw asStorageError(e, what);
      if (attempt >= MAX_ATTEMPTS) {
        throw new StorageError("conflict-exhausted", `${what}: database still locked after ${attempt} attempts`, { cause: e });
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 2 ** Math.min(attempt, 7));
      await Bun.sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }
}

/** SQLite failures (disk full, I/O, corruption …) become StorageError; anything else is a bug and propagates. */
export function asStorageError(e: unknown, what: string): unknown {
  if (!(e instanceof SQLiteError)) return e;
  const code = e.code ?? `errno ${e.errno}`;
  const kind = /^SQLITE_(CORRUPT|NOTADB)/.test(code) ? "corrupt" : "unavailable";
  return new StorageError(kind, `${what}: ${code}: ${e.message}`, { cause: e });
}
