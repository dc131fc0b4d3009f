// The producers of the randomized transactions check: test/compat/python/txn_chaos.py processes,
// each reporting every transaction it ran (records, intended and known outcome) on stdout.

import { join } from "node:path";
import { PYTHON } from "./python.ts";

export type Outcome = "committed" | "aborted" | "unconfirmed";

export interface TxnEvent {
  producer: number;
  t: number;
  intent: "c" | "a";
  outcome: Outcome;
  records: [partition: number, value: string][];
}

export interface ChaosResult {
  producer: number;
  transactions: number;
  recreated: number;
  errors: string[];
}

export interface ChaosRun {
  events: TxnEvent[];
  result: ChaosResult;
}

export interface ChaosArgs {
  bootstrap: string;
  topic: string;
  partitions: number;
  producer: number;
  seed: number;
  duration_s: number;
  max_size: number;
  /** librdkafka debug contexts (e.g. "eos,broker"); stderr then goes to `stderrFile`. */
  debug?: string;
}

const SCRIPT = join(import.meta.dir, "..", "python", "txn_chaos.py");

/** Runs one producer to its end; rejects when it exits non-zero or overruns its duration by `graceMs`. */
export async function runChaosProducer(args: ChaosArgs, stderrFile?: string, graceMs = 60_000): Promise<ChaosRun> {
  const proc = Bun.spawn([PYTHON, SCRIPT, "run", JSON.stringify(args)], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, args.duration_s * 1000 + graceMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (stderrFile !== undefined) await Bun.write(stderrFile, stderr);
  if (timedOut || code !== 0) throw new Error(`chaos producer ${args.producer} ${timedOut ? "overran" : `exited ${code}`}\nstderr: ${stderr.slice(-3000)}\nstdout: ${stdout.slice(-1000)}`);
  const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const result = lines.pop() as unknown as ChaosResult;
  const events = lines.map((l) => ({ ...(l as unknown as Omit<TxnEvent, "producer">), producer: args.producer }));
  return { events, result };
}
