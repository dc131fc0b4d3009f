// Opens the engine named by a storage URL. Engines load lazily, so one engine's dependencies
// (postgres.js, say) cost nothing when another is configured.

import { ConfigError } from "../config.ts";
import type { Engine } from "./engine.ts";

export async function openEngine(url: URL): Promise<Engine> {
  switch (url.protocol) {
    case "memory:": {
      const { openMemoryEngine } = await import("./memory/index.ts");
      return openMemoryEngine();
    }
    case "sqlite:": {
      const { openSqliteEngine } = await import("./sqlite/index.ts");
      return openSqliteEngine(url);
    }
    case "postgres:":
    case "postgresql:": {
      const { openPostgresEngine } = await import("./postgres/index.ts");
      return openPostgresEngine(url);
    }
    case "s3:": {
      const { openS3Engine } = await import("./s3/index.ts");
      return openS3Engine(url);
    }
    default:
      throw new ConfigError(`storage engine ${url.protocol}// is not available; use sqlite://, postgres://, s3:// or memory://`);
  }
}
