// Opens the engine named by a storage URL. Engines load lazily, so one engine's dependencies
// cost nothing when another is configured.

import { ConfigError } from "../config.ts";
import type { Engine } from "./engine.ts";

export async function openEngine(url: URL): Promise<Engine> {
  switch (url.protocol) {
    case "memory:": {
      const { openMemoryEngine } = await import("./memory/index.ts");
      return openMemoryEngine();
    }
    default:
      throw new ConfigError(`storage engine ${url.protocol}// is not available in this build yet; use memory://`);
  }
}
