import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../../src/storage/engine.ts";
import { openSqliteEngine } from "../../src/storage/sqlite/index.ts";
import { runEngineConformance } from "./conformance.ts";

for (const writerThread of [true, false]) runEngineConformance(writerThread ? "sqlite" : "sqlite (appends on the event loop)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tansu-sqlite-"));
  const url = new URL(`sqlite://${join(dir, "tansu.db")}`);
  // every append of the suite goes through the writer thread (or, without it, the engine)
  const open = async () => {
    const engine = await openSqliteEngine(url, { writerThread });
    expect(await engine.writerReady()).toBe(writerThread);
    return engine;
  };
  const engines: Engine[] = [await open()];
  const [engine] = engines as [Engine];
  return {
    engine,
    openSecond: async () => {
      const second = await open();
      engines.push(second);
      return second;
    },
    async cleanup() {
      await Promise.all(engines.map((e) => e.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
