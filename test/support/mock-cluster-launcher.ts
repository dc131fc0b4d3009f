// Builds mock-cluster.c with gcc against librdkafka-dev, once per version of the source: the binary
// is cached under the OS temp dir by the source's hash.

import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HEADER = "/usr/include/librdkafka/rdkafka_mock.h";
const SOURCE = join(import.meta.dir, "mock-cluster.c");
const CACHE = join(tmpdir(), "tansu-mock-cluster");

export const MOCK_CLUSTER_MISSING = "librdkafka's mock cluster needs gcc and librdkafka-dev: apt-get install librdkafka-dev gcc";

export class MockClusterError extends Error {
  override name = "MockClusterError";
}

/** Whether the launcher can be built here (gcc and librdkafka's mock header present). */
export function mockClusterAvailable(): boolean {
  return Bun.which("gcc") !== null && existsSync(HEADER);
}

/** The launcher binary's path, compiling it first when this source has not been built yet. */
export async function mockClusterLauncher(): Promise<string> {
  if (!mockClusterAvailable()) throw new MockClusterError(MOCK_CLUSTER_MISSING);
  const binary = join(CACHE, `mock-cluster-${Bun.hash(readFileSync(SOURCE)).toString(16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  // built under a name of its own, then renamed: test files building at once never run a half-written binary
  const partial = `${binary}.${process.pid}`;
  const gcc = Bun.spawn(["gcc", "-O2", "-Wall", "-o", partial, SOURCE, "-lrdkafka"], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(gcc.stderr).text(), gcc.exited]);
  if (code !== 0) throw new MockClusterError(`gcc ${SOURCE} exited ${code}:\n${stderr}`);
  renameSync(partial, binary);
  return binary;
}
