// kcat 1.7.1 (librdkafka 2.0.2) as a producer, assign-style consumer, offset query and metadata tool.

import type { Header, ConsumedRecord, SentRecord } from "./records.ts";
import { runOk } from "./run.ts";
import type { Window } from "./verify.ts";

export const KCAT = Bun.which("kcat") ?? "/usr/bin/kcat";

/** `-f` format: partition, offset, timestamp, key length (-1 = null), key, value length, value, headers. */
export const FORMAT = "%p\\t%o\\t%T\\t%K\\t%k\\t%S\\t%s\\t%h\\n";

export interface KcatProduce {
  topic: string;
  records: readonly SentRecord[];
  /** kcat's -H: the same headers on every record of the run. */
  headers: readonly Header[];
  codec: string;
  acks: string;
  /** More -X settings, e.g. enable.idempotence=true. */
  config?: readonly string[];
  /** -E: carry on when every broker connection is down (kcat exits otherwise), so a cut connection is retried. */
  survivesDisconnects?: boolean;
  timeoutMs?: number;
}

/** One input line a record: key TAB value; no TAB means a null key, and -Z sends empty as null. */
export function kcatLine(r: SentRecord): string {
  if (r.key === null) return r.value === null ? "\t" : r.value;
  return `${r.key}\t${r.value ?? ""}`;
}

/** -H name=value; a name alone sends a null value. */
export function kcatHeaderArgs(headers: readonly Header[]): string[] {
  return headers.flatMap(([name, value]) => ["-H", value === null ? name : `${name}=${value}`]);
}

export async function kcatProduce(bootstrap: string, p: KcatProduce): Promise<Window> {
  const headerArgs = kcatHeaderArgs(p.headers);
  const configArgs = ["acks=" + p.acks, ...(p.config ?? [])].flatMap((c) => ["-X", c]);
  const from = Date.now();
  const keepGoing = p.survivesDisconnects === true ? ["-E"] : [];
  const { stderr } = await runOk([KCAT, "-b", bootstrap, "-P", "-t", p.topic, "-K", "\\t", "-Z", "-z", p.codec, ...keepGoing, ...configArgs, ...headerArgs], {
    stdin: p.records.map(kcatLine).join("\n") + "\n",
    timeoutMs: p.timeoutMs ?? 60_000,
  });
  const problem = p.survivesDisconnects === true ? /deliver|fatal/i : /fail|error/i;
  if (problem.test(stderr)) throw new Error(`kcat -P reported problems:\n${stderr.slice(-4000)}`);
  return { from, to: Date.now() };
}

function parseHeaders(text: string): Header[] {
  if (text === "") return [];
  return text.split(",").map((h) => {
    const eq = h.indexOf("=");
    const value = h.slice(eq + 1);
    return [h.slice(0, eq), value === "NULL" ? null : value];
  });
}

export function parseConsumed(text: string): ConsumedRecord[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const f = l.split("\t");
      if (f.length !== 8) throw new Error(`kcat -C printed an unexpected line: ${JSON.stringify(l.slice(0, 200))}`);
      return {
        partition: Number(f[0]),
        offset: Number(f[1]),
        timestamp: Number(f[2]),
        key: f[3] === "-1" ? null : f[4]!,
        value: f[5] === "-1" ? null : f[6]!,
        headers: parseHeaders(f[7]!),
      };
    });
}

/** Everything in the topic, from the beginning of every partition to its end (-C -o beginning -e). */
export async function kcatConsume(bootstrap: string, topic: string): Promise<ConsumedRecord[]> {
  const { stdout } = await runOk([KCAT, "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", FORMAT], { timeoutMs: 120_000 });
  return parseConsumed(stdout);
}

/** ListOffsets through -Q: timestamp -1 is the latest offset, -2 the earliest, else the first offset at or after it. */
export async function kcatQuery(bootstrap: string, topic: string, partitions: number, timestamp: number): Promise<number[]> {
  const args: string[] = [];
  for (let p = 0; p < partitions; p++) args.push("-t", `${topic}:${p}:${timestamp}`);
  const { stdout } = await runOk([KCAT, "-b", bootstrap, "-Q", ...args], { timeoutMs: 30_000 });
  const offsets = new Array<number>(partitions).fill(Number.NaN);
  for (const m of stdout.matchAll(/\[(\d+)\] offset (-?\d+)/g)) offsets[Number(m[1])] = Number(m[2]);
  return offsets;
}

/** Polls the latest offsets until they add up to `total` (acks=0 records land after the producer exits). */
export async function kcatAwaitTotal(bootstrap: string, topic: string, partitions: number, total: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sum = (await kcatQuery(bootstrap, topic, partitions, -1)).reduce((a, b) => a + b, 0);
    if (sum >= total || Date.now() > deadline) return sum;
    await Bun.sleep(100);
  }
}

export interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
}

/** Metadata for every topic (-L without -t, which would auto-create the topic). */
export async function kcatMetadata(bootstrap: string): Promise<KcatMetadata> {
  const { stdout } = await runOk([KCAT, "-b", bootstrap, "-L", "-J"], { timeoutMs: 30_000 });
  return JSON.parse(stdout) as KcatMetadata;
}
