// A broker on the memory engine that exports lake topics into a fresh directory, with the
// benchmark's topic (its Avro schema in a file registry) created with the given tansu.lake.*
// configs; and the broker's memory as /proc reports it.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { run } from "./kcat.ts";
import { SCHEMA_TEXT } from "./lake-records.ts";
import { brokerArgv, type Server, startServer } from "./server.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface LakeBroker {
  readonly server: Server;
  readonly bootstrap: string;
  /** The lake's root directory. */
  readonly lake: string;
  stop(): Promise<void>;
}

/** `dir` is emptied and used for the lake and the schema registry. */
export async function startLakeBroker(dir: string, topic: string, configs: Record<string, string | number>, maxExportBytes: number): Promise<LakeBroker> {
  rmSync(dir, { recursive: true, force: true });
  const lake = join(dir, "lake");
  const schemas = join(dir, "schemas");
  mkdirSync(lake, { recursive: true });
  mkdirSync(schemas, { recursive: true });
  writeFileSync(join(schemas, `${topic}.avsc`), SCHEMA_TEXT);
  const server = await startServer(
    brokerArgv("memory://", [
      "--lake-url", pathToFileURL(lake).href,
      "--lake-check-interval-ms", "100",
      "--lake-max-export-bytes", String(maxExportBytes),
      "--schema-registry", pathToFileURL(schemas).href,
    ]),
  );
  const bootstrap = `127.0.0.1:${server.port}`;
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const flags = Object.entries(configs).flatMap(([k, v]) => ["--config", `${k}=${v}`]);
  await run([process.execPath, MAIN, "topic", "create", topic, "--partitions", "1", ...flags, "--bootstrap-server", bootstrap]).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { server, bootstrap, lake, stop };
}

export interface Memory {
  /** Resident set now and its high-water mark since the process started, MiB. */
  readonly rssMiB: number;
  readonly hwmMiB: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMiB: kib("VmRSS") / 1024, hwmMiB: kib("VmHWM") / 1024 };
}
