// A first `npm install` on a machine with only Node.js and npm: the Node.js version the tooling
// needs is declared, and every dependency with an install script is approved (npm 11 warns about
// the others), so npm has nothing to warn a newcomer about.

import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines?: { node?: string }; allowScripts?: Record<string, boolean> };

function installedPackages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith(".")) return [];
    if (name.startsWith("@")) return readdirSync(join(dir, name)).map((inner) => `${name}/${inner}`);
    return [name];
  });
}

test("package.json declares the Node.js version the tooling needs", () => {
  expect(own.engines?.node).toMatch(/^>=\s*\d+/);
});

test("every installed dependency with an install script is approved in allowScripts", () => {
  const modules = join(ROOT, "node_modules");
  const withScripts = installedPackages(modules).filter((name) => {
    const { scripts = {} } = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return ["preinstall", "install", "postinstall"].some((s) => scripts[s] !== undefined);
  });
  expect(withScripts.length).toBeGreaterThan(0);
  for (const name of withScripts) expect({ name, approved: own.allowScripts?.[name] }).toEqual({ name, approved: true });
});

test(".npmrc keeps install quiet: warnings, funding and audit lines", () => {
  const npmrc = readFileSync(join(ROOT, ".npmrc"), "utf8");
  for (const line of ["loglevel=error", "fund=false", "audit=false"]) expect(npmrc).toContain(line);
});
