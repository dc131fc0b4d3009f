// Brings the database file to the newest schema at start. Each pending migration runs in its own
// write transaction and records its version, so brokers starting together apply each one once.

import type { Database } from "bun:sqlite";
import { StorageError } from "../engine.ts";
import { orderedMigrations } from "../sql-text.ts";
import { withBusyRetry } from "./busy.ts";
import { MIGRATIONS } from "./migrations/index.ts";

export async function migrate(db: Database): Promise<number> {
  await withBusyRetry(
    () => db.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"),
    "create schema_version",
  );
  let version = 0;
  for (const migration of orderedMigrations(MIGRATIONS)) {
    const apply = db.transaction(() => {
      const row = db.query<{ version: number | null }, []>("SELECT max(version) AS version FROM schema_version").get();
      if ((row?.version ?? 0) >= migration.version) return;
      db.run(migration.sql);
      db.query("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").run(migration.version, Date.now());
    });
    await withBusyRetry(() => apply.immediate(), `migration ${migration.name}`);
    version = migration.version;
  }
  const newest = db.query<{ version: number | null }, []>("SELECT max(version) AS version FROM schema_version").get();
  if ((newest?.version ?? 0) > version) {
    throw new StorageError("misconfigured", `database schema version ${newest?.version} is newer than this broker's (${version}); upgrade the broker`);
  }
  return version;
}
