import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { runEngineConformance } from "./conformance.ts";

runEngineConformance("memory", async () => {
  const engine = openMemoryEngine();
  return { engine, openSecond: async () => engine, cleanup: () => engine.close() };
});
