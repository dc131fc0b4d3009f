// Runs the Python client scripts in test/compat/python with Debian's interpreter (the only one
// with python3-confluent-kafka and python3-kafka installed).

import { join } from "node:path";
import { runOk } from "./run.ts";

export const PYTHON = "/usr/bin/python3";
const DIR = join(import.meta.dir, "..", "python");

export type Script = "confluent_client.py" | "kafka_python_client.py" | "security_client.py";

/** The command line of `script command '<json args>'`. */
export function pythonCommand(script: Script, command: string, args: object): string[] {
  return [PYTHON, join(DIR, script), command, JSON.stringify(args)];
}

/** `script command '<json args>'`; returns the JSON object on the script's last stdout line. */
export async function python<T>(script: Script, command: string, args: object, timeoutMs = 120_000): Promise<T> {
  const { stdout } = await runOk(pythonCommand(script, command, args), { timeoutMs });
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} ${command} printed no JSON result:\n${stdout.slice(-2000)}`);
  }
}

/**
 * The codecs kafka-python can use here (gzip always; snappy, lz4 and zstd only with their Python
 * modules), synchronously so that test names can list them. Just "none" if Python or kafka-python
 * is missing: the suite's install test then fails.
 */
export function kafkaPythonCodecs(): string[] {
  const probe = "__import__('json').dumps(['none'] + [c for c in ('gzip', 'snappy', 'lz4', 'zstd') if getattr(__import__('kafka.codec').codec, 'has_' + c)()])";
  try {
    const r = Bun.spawnSync([PYTHON, "-c", `print(${probe})`], { stdout: "pipe", stderr: "pipe" });
    return r.exitCode === 0 ? (JSON.parse(r.stdout.toString()) as string[]) : ["none"];
  } catch {
    return ["none"];
  }
}
