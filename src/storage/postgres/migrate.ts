// Brings the database to the newest schema at start: all pending migrations in one transaction
// under an advisory lock, so brokers starting together apply each migration exactly once and a
// failed migration leaves nothing behind.

import { StorageError } from "../engine.ts";
import { namedStatements, orderedMigrations } from "../sql-text.ts";
import type { Db } from "./connect.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import text from "./schema.sql" with { type: "text" };

const SQL = namedStatements(text, ["lock", "create-schema", "create-schema-version", "version", "record-version"]);

export async function migrate(db: Db): Promise<number> {
  const migrations = orderedMigrations(MIGRATIONS);
  const newest = migrations.at(-1)?.version ?? 0;
  return db.begin(async (tx) => {
    await tx.unsafe(SQL.lock);
    await tx.unsafe(SQL["create-schema"]);
    await tx.unsafe(SQL["create-schema-version"]);
    const [row] = await tx.unsafe<{ version: number }[]>(SQL.version);
    const current = row?.version ?? 0;
    if (current > newest) {
      throw new StorageError("misconfigured", `database schema version ${current} is newer than this broker's (${newest}); upgrade the broker`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await tx.unsafe(m.sql).simple();
      await tx.unsafe(SQL["record-version"], [m.version, m.name]);
    }
    return newest;
  });
}
