// Usage: bun scripts/generate-protocol.ts <kafka message JSON dir> <output dir> [schema JSON file]
// Writes one module per API that lists the broker listener, plus index.ts; and, when asked, the
// parsed definitions as JSON for the protocol tests.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emitApiModule, emitIndex, kebab } from "./protocol/emit.ts";
import { type Api, readBrokerApis } from "./protocol/spec.ts";

/** The parsed definitions as JSON, so tests can build sample messages without the spec directory. */
export function schemaJson(apis: Api[]): string {
  return JSON.stringify(
    apis,
    (key, value: unknown) => {
      if (key === "about") return undefined;
      if (value === Infinity) return MAX_VERSION;
      if (value instanceof Map) return Object.fromEntries(value);
      return value;
    },
    0,
  );
}

/** Open version ranges ("3+") end at the largest int16 version. */
export const MAX_VERSION = 32767;

export function generateProtocol(specDir: string, outDir: string, schemaFile?: string): number {
  const apis = readBrokerApis(specDir);
  if (schemaFile !== undefined) writeFileSync(schemaFile, schemaJson(apis) + "\n");
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith(".ts")) rmSync(join(outDir, f));
  for (const api of apis) writeFileSync(join(outDir, `${kebab(api.name)}.ts`), emitApiModule(api));
  writeFileSync(join(outDir, "index.ts"), emitIndex(apis));
  return apis.length;
}

if (import.meta.main) {
  const [specDir, outDir, schemaFile] = process.argv.slice(2);
  if (specDir === undefined || outDir === undefined) {
    console.error("usage: bun scripts/generate-protocol.ts <kafka message JSON dir> <output dir> [schema JSON file]");
    process.exit(2);
  }
  const n = generateProtocol(specDir, outDir, schemaFile);
  console.log(`wrote ${n} APIs to ${outDir}`);
}
