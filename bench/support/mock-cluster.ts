// librdkafka's in-memory mock cluster as a benchmark peer: mock-cluster.c, compiled with gcc
// against librdkafka-dev, run as a child process that prints its bootstrap servers.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "./server.ts";

const HEADER = "/usr/include/librdkafka/rdkafka_mock.h";
const SOURCE = join(import.meta.dir, "mock-cluster.c");

/** Compiles the launcher into `dir` and returns its path; null when gcc or the header is missing. */
export async function buildMockCluster(dir: string): Promise<string | null> {
  if (Bun.which("gcc") === null || !existsSync(HEADER)) return null;
  const binary = join(dir, "mock-cluster");
  const gcc = Bun.spawn(["gcc", "-O2", "-o", binary, SOURCE, "-lrdkafka"], { stdout: "inherit", stderr: "inherit" });
  if ((await gcc.exited) !== 0) throw new Error(`gcc ${SOURCE} failed`);
  return binary;
}

/** A one-broker mock cluster holding `topics` (name → partitions). */
export async function startMockCluster(binary: string, topics: ReadonlyMap<string, number>): Promise<Server> {
  const specs = [...topics].map(([name, partitions]) => `${name}:${partitions}`);
  const proc = Bun.spawn([binary, "1", ...specs], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  let out = "";
  for await (const chunk of proc.stdout) {
    out += new TextDecoder().decode(chunk);
    if (out.includes("\n")) break;
  }
  const m = /:(\d+)\s*$/.exec(out.split("\n")[0] ?? "");
  if (m === null) throw new Error(`mock cluster did not start: ${JSON.stringify(out)}`);
  return {
    pid: proc.pid,
    port: Number(m[1]),
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
