import type { Engine } from "../../src/storage/engine.ts";
import { openPostgresEngine } from "../../src/storage/postgres/index.ts";
import { freshDatabase } from "../support/postgres.ts";
import { runEngineConformance } from "./conformance.ts";

runEngineConformance("postgres", async () => {
  const database = await freshDatabase("conformance");
  const engines: Engine[] = [await openPostgresEngine(database.url, { maxConnections: 4 })];
  const [engine] = engines as [Engine];
  return {
    engine,
    openSecond: async () => {
      const second = await openPostgresEngine(database.url, { maxConnections: 4 });
      engines.push(second);
      return second;
    },
    async cleanup() {
      await Promise.all(engines.map((e) => e.close()));
      await database.drop();
    },
  };
});
