// Opens the engine named by a storage URL. Engines load lazily, so one engine's dependencies
// (postgres.js, say) cost nothing when another is configured.

import { ConfigError } from "../config.ts";
import type { Logger } from "../log.ts";
import { StorageError, type Engine } from "./engine.ts";

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * openEngine; with `wait` (--wait-for-storage), a store that cannot be reached yet (a database still
 * starting: StorageError "unavailable") is tried again after doubling delays up to 10 s, each
 * failure logged. Any other failure ends the start, as it does without `wait`.
 */
export async function openEngineWaiting(url: URL, wait: boolean, log: Logger, description: string): Promise<Engine> {
  for (let delayMs = FIRST_RETRY_MS; ; delayMs = Math.min(MAX_RETRY_MS, delayMs * 2)) {
    try {
      return await openEngine(url);
    } catch (e) {
      if (!wait || !(e instanceof StorageError) || e.code !== "unavailable") throw e;
      log.warn("storage unreachable, retrying", { storage: description, error: e.message, retryInMs: delayMs });
      await Bun.sleep(delayMs);
    }
  }
}

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
