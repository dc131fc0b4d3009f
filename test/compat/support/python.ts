// Runs the Python client scripts in test/compat/python with Debian's interpreter (the only one
// with python3-confluent-kafka and python3-kafka installed).

import { join } from "node:path";
import { runOk } from "./run.ts";

export const PYTHON = "/usr/bin/python3";
const DIR = join(import.meta.dir, "..", "python");

export type Script = "confluent_client.py" | "kafka_python_client.py";

/** `script command '<json args>'`; returns the JSON object on the script's last stdout line. */
export async function python<T>(script: Script, command: string, args: object, timeoutMs = 120_000): Promise<T> {
  const { stdout } = await runOk([PYTHON, join(DIR, script), command, JSON.stringify(args)], { timeoutMs });
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} ${command} printed no JSON result:\n${stdout.slice(-2000)}`);
  }
}

/** Synchronous, for choosing test names: the value Python prints for `expression`. */
export function pythonEval(expression: string): string {
  const r = Bun.spawnSync([PYTHON, "-c", `print(${expression})`], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${PYTHON} -c failed: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}
