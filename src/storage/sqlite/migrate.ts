// Brings the database file to the newest schema at start. Each pending migration runs in its own
// write transaction and records its version, so brokers starting together apply each one once.
// A database already at the newest version is recognised by reads alone: a restart (a scaled-to-zero
// broker's every start) takes no write lock.

import type { Database } from "bun:sqlite";
import { StorageError } from "../engine.ts";
import { namedStatements, orderedMigrations } from "../sql-text.ts";
import { withBusyRetry } from "./busy.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import text from "./schema.sql" with { type: "text" };

const SQL = namedStatements(text, ["create-schema-version", "has-schema-version", "version", "record-version"]);

export async function migrate(db: Database): Promise<number> {
  const version = () => db.query<{ version: number }, []>(SQL.version).get()?.version ?? 0;
  const migrations = orderedMigrations(MIGRATIONS);
  const newest = migrations.at(-1)?.version ?? 0;
  const existing = await withBusyRetry(() => (db.query<{ n: number }, []>(SQL["has-schema-version"]).get()?.n ?? 0) > 0, "read schema version");
  if (existing && (await withBusyRetry(version, "read schema version")) === newest) return newest;
  await withBusyRetry(() => db.run(SQL["create-schema-version"]), "create schema_version");
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (version() >= migration.version) return;
      db.run(migration.sql);
      db.query(SQL["record-version"]).run(migration.version, Date.now());
    });
    await withBusyRetry(() => apply.immediate(), `migration ${migration.name}`);
  }
  const current = await withBusyRetry(version, "read schema version");
  if (current > newest) {
    throw new StorageError("misconfigured", `database schema version ${current} is newer than this broker's (${newest}); upgrade the broker`);
  }
  return newest;
}
