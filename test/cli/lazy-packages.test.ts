// Heavy packages load only when the configuration needs them: a broker on memory:// or sqlite://
// with the admin port loads none of them (engines and validators are dynamic imports, which
// `bun build` keeps lazy in the compiled binary too).

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker } from "../support/broker.ts";

const HEAVY = ["postgres", "@aws-sdk", "@smithy", "protobufjs", "avsc", "ajv"];
const dir = mkdtempSync(join(tmpdir(), "tansu-lazy-"));
const PRELOAD = join(import.meta.dir, "..", "support", "trace-packages.ts");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** The packages a broker process loaded from start to a clean stop. */
async function packagesLoaded(storage: string): Promise<Set<string>> {
  const file = join(dir, `trace-${++runs}`);
  const broker = await startBroker(["--storage-engine", storage], { TRACE_PACKAGES_FILE: file }, { admin: true, command: [process.execPath, "--preload", PRELOAD, join(import.meta.dir, "..", "..", "src", "main.ts")] });
  expect(await (await fetch(`${broker.adminUrl}/ready`)).json()).toMatchObject({ status: "ready" });
  expect(await broker.stop()).toBe(0);
  const paths = readFileSync(file, { encoding: "utf8", flag: "a+" }).split("\n").filter((l) => l !== "");
  return new Set(paths.map((p) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(p)?.[1]?.replace("\\", "/") ?? p));
}

test("memory:// loads only hono (the admin port)", async () => {
  const loaded = await packagesLoaded("memory://");
  expect([...loaded].filter((p) => HEAVY.some((h) => p.startsWith(h)))).toEqual([]);
  expect(loaded.has("hono")).toBe(true);
});

test("sqlite:// loads none of the heavy packages", async () => {
  const loaded = await packagesLoaded(`sqlite://${join(dir, "lazy.db")}`);
  expect([...loaded].filter((p) => HEAVY.some((h) => p.startsWith(h)))).toEqual([]);
});
