// Runs `bun src/main.ts ARGS…` and collects what it printed.

import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function tansu(args: readonly string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.BOOTSTRAP_SERVERS === undefined) delete env.BOOTSTRAP_SERVERS;
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
    env,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
