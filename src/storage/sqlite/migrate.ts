// Brings the database file to the newest schema at start. Each pending migration runs in its own
// write transaction and records its version, so brokers starting together apply each one once.

import type { Database } from "bun:sqlite";
import { StorageError } from "../engine.ts";
import { namedStatements, orderedMigrations } from "../sql-text.ts";
import { withBusyRetry } from "./busy.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import text from "./schema.sql" with { type: "text" };

const SQL = namedStatements(text, ["create-schema-version", "version", "record-version"]);

export async function migrate(db: Database): Promise<number> {
  await withBusyRetry(() => db.run(SQL["create-schema-version"]), "create schema_version");
  const version = () => db.query<{ version: number }, []>(SQL.version).get()?.version ?? 0;
  const migrations = orderedMigrations(MIGRATIONS);
  const newest = migrations.at(-1)?.version ?? 0;
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
