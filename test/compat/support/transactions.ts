// Driving test/compat/python/transactions_client.py (and kcat) for the transactions compat tests:
// transactional plans, consume-transform-produce, and reading a topic at either isolation level.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORMAT, KCAT, parseConsumed } from "./kcat.ts";
import { PYTHON } from "./python.ts";
import { runOk } from "./run.ts";

const DIR = join(import.meta.dir, "..", "python");

export type Isolation = "read_committed" | "read_uncommitted";

export interface Read {
  p: number;
  o: number;
  k: string | null;
  v: string;
}

export interface PlannedTransaction {
  records: [partition: number, value: string][];
  commit: boolean;
  /** Abort without waiting for the records to be sent (EndTxn then follows AddPartitionsToTxn at once). */
  at_once?: boolean;
}

/** `script command '<json>'` in test/compat/python; the JSON object on its last stdout line. */
export async function pythonScript<T>(script: string, command: string, args: object, timeoutMs = 120_000): Promise<T> {
  const { stdout } = await runOk([PYTHON, join(DIR, script), command, JSON.stringify(args)], { timeoutMs });
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} ${command} printed no JSON result:\n${stdout.slice(-2000)}`);
  }
}

export function txnClient<T>(command: string, args: object, timeoutMs?: number): Promise<T> {
  return pythonScript<T>("transactions_client.py", command, args, timeoutMs);
}

/** Runs `plan` in order with one transactional producer; returns each transaction's outcome. */
export async function runPlan(bootstrap: string, topic: string, transactionalId: string, plan: readonly PlannedTransaction[]): Promise<string[]> {
  const r = await txnClient<{ outcomes: string[] }>("transact", { bootstrap, topic, transactional_id: transactionalId, transactions: plan });
  return r.outcomes;
}

/** Every record of the topic at `isolation`, each partition from its beginning to its end, by partition then offset. */
export async function readTopic(bootstrap: string, topic: string, partitions: number, isolation: Isolation): Promise<Read[]> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-txn-"));
  try {
    const out = join(dir, "consumed.jsonl");
    await txnClient("consume", { bootstrap, topic, partitions, isolation, out });
    const lines = readFileSync(out, "utf8").split("\n").filter((l) => l !== "");
    return lines.map((l) => JSON.parse(l) as Read).sort((a, b) => a.p - b.p || a.o - b.o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ListOffsets latest at `isolation`: high watermarks (read_uncommitted) or last stable offsets. */
export async function topicEnds(bootstrap: string, topic: string, partitions: number, isolation: Isolation): Promise<number[]> {
  return (await txnClient<{ ends: number[] }>("ends", { bootstrap, topic, partitions, isolation })).ends;
}

/** Polls until no transaction is open in the topic (every last stable offset at its high watermark). */
export async function awaitStable(bootstrap: string, topic: string, partitions: number, timeoutMs = 30_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [stable, high] = await Promise.all([topicEnds(bootstrap, topic, partitions, "read_committed"), topicEnds(bootstrap, topic, partitions, "read_uncommitted")]);
    if (stable.every((s, p) => s === high[p])) return high;
    if (Date.now() > deadline) throw new Error(`transactions still open: last stable offsets ${JSON.stringify(stable)}, high watermarks ${JSON.stringify(high)}`);
    await Bun.sleep(500);
  }
}

/** kcat -C -o beginning -e at read_committed: every committed record, by partition then offset. */
export async function kcatReadCommitted(bootstrap: string, topic: string): Promise<Read[]> {
  const { stdout } = await runOk([KCAT, "-b", bootstrap, "-X", "isolation.level=read_committed", "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", FORMAT], { timeoutMs: 60_000 });
  return parseConsumed(stdout)
    .map((r) => ({ p: r.partition, o: r.offset, k: r.key, v: r.value ?? "" }))
    .sort((a, b) => a.p - b.p || a.o - b.o);
}

/** The values of `reads` in each partition, in offset order. */
export function byPartition(reads: readonly Read[], partitions: number): string[][] {
  const out = Array.from({ length: partitions }, () => [] as string[]);
  for (const r of reads) out[r.p]!.push(r.v);
  return out;
}
