// The broker next to peers that do less (run by hand: bun bench/peers.ts [records]).
// BENCH_ROUNDS sets the rounds (default 5); BENCH_ENGINES a comma-separated subset of memory,sqlite
// (default both). Needs gcc, librdkafka-dev, kcat and python3-confluent-kafka (Debian's: librdkafka
// 2.0.2 throughout, so every figure comes from the same client library).
//
// Produce is compared with librdkafka's in-memory mock cluster: support/mock-cluster.c, compiled
// here with gcc, one broker, its topics created up front. The mock keeps only the newest ~44,000
// records of a partition, so it is a peer for produce only. Reading is compared with a fetch-only
// server (support/sink.ts): it keeps the batches it was sent and answers Fetch with them, nothing
// else — no storage engine, no validation, no long poll.
//
// RECORDS (default 1,000,000) × 100-byte values; kcat producers use linger.ms 5, batch.size
// 1,000,000, no compression (as bench/produce.ts does).
//   produce 1 × 1   one kcat -P into partition 0 of a 1-partition topic, timed to its exit
//   produce 8 × 4   four kcat -P at once, each RECORDS/4 records with 7-digit keys spread over the 8
//                   partitions of one topic by librdkafka's default partitioner, timed until all exit
//   latency         support/latency-producer.py (confluent-kafka): 50,000 records/s for 5 s after a
//                   1 s warm-up, acks=all, one partition; latency = produce() to acknowledgement
//   read 1 × 1      kcat -C -c RECORDS from the start of a 1-partition topic loaded beforehand
//   read 8 × 4      four kcat -C at once, each reading a 2-partition topic of its own (kcat -C reads
//                   one partition or all of a topic's), RECORDS/8 records in each of the 8 partitions
// Every run gets a fresh server and store. A round runs every workload on the peer and on each
// engine, the peer first in odd rounds and last in even ones. After each produce the topic's end
// offsets must add up to the records sent, or the bench fails. Columns (medians over the rounds):
//   records/s, MB/s   records ÷ the timed part's seconds (MB: 10^6 bytes of record values)
//   × peer            the run's records/s ÷ the peer's in the same round; then every round's
//   CPU s/GB          the server process's CPU seconds (user + system) in the timed part per 10^9
//                     bytes of record values produced or served
//   p50, p99 ms       latency percentiles (nearest rank) over the measured records
//   p99 − mock        the run's p99 minus the mock's in the same round; then every round's
//   CPU %             the server's CPU over the latency run (warm-up included), % of one core
// kcat, the Python producer and the server share the machine's cores.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endOffsets, run, timedRuns } from "./support/kcat.ts";
import { buildMockCluster, startMockCluster } from "./support/mock-cluster.ts";
import { brokerArgv, cpuSeconds, type Server, startServer } from "./support/server.ts";

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ENGINES = ["memory", "sqlite"] as const;
type Engine = (typeof ENGINES)[number];
const chosen = (process.env.BENCH_ENGINES ?? ENGINES.join(",")).split(",").map((s) => s.trim());
for (const e of chosen) if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`BENCH_ENGINES: unknown engine ${e} (expected ${ENGINES.join(", ")})`);
if (!Number.isInteger(RECORDS) || RECORDS < 8 || RECORDS % 8 !== 0) throw new Error(`records ${process.argv[2]}: expected a positive multiple of 8`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS=${process.env.BENCH_ROUNDS}: expected a positive integer`);
const engines = ENGINES.filter((e) => chosen.includes(e));

const RECORD_BYTES = 100;
const LATENCY = { rate: 50_000, seconds: 5, warmup_seconds: 1 };
const PYTHON = "/usr/bin/python3";
const MAIN = join(import.meta.dir, "..", "src", "main.ts");
const SINK = join(import.meta.dir, "support", "sink.ts");
const LATENCY_PRODUCER = join(import.meta.dir, "support", "latency-producer.py");
const PRODUCE = ["-P", "-z", "none", "-X", "linger.ms=5", "-X", "batch.size=1000000"];

const dir = mkdtempSync(join(tmpdir(), "tansu-bench-peers-"));
const mockBinary = await buildMockCluster(dir);
if (mockBinary === null || Bun.which("kcat") === null || !existsSync(PYTHON)) {
  console.error("bench/peers.ts needs gcc, librdkafka-dev, kcat and python3-confluent-kafka: apt-get install gcc librdkafka-dev kcat python3-confluent-kafka");
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
const mock = mockBinary;

const filler = "x".repeat(RECORD_BYTES - 8);
const value = (i: number) => `${String(i).padStart(7, "0")}:${filler}`;
function recordsFile(name: string, from: number, count: number, keyed: boolean): string {
  const path = join(dir, name);
  const line = (i: number) => (keyed ? `${String(i).padStart(7, "0")}|${value(i)}` : value(i));
  writeFileSync(path, Array.from({ length: count }, (_, k) => line(from + k)).join("\n") + "\n");
  return path;
}
const ALL = recordsFile("all.txt", 0, RECORDS, false);
const EIGHTH = recordsFile("eighth.txt", 0, RECORDS / 8, false);
const KEYED = [0, 1, 2, 3].map((k) => recordsFile(`keyed-${k}.txt`, (k * RECORDS) / 4, RECORDS / 4, true));

// ---------------------------------------------------------------------------------------------
// Servers

type Peer = "mock" | "fetch-only";
type Target = Peer | Engine;
const NAMES: Record<Target, string> = { mock: "librdkafka mock cluster", "fetch-only": "fetch-only server", memory: "broker, memory", sqlite: "broker, SQLite file" };

interface Started {
  server: Server;
  bootstrap: string;
  cleanup(): Promise<void>;
}

let runs = 0;
async function start(target: Target, topics: ReadonlyMap<string, number>): Promise<Started> {
  const path = join(dir, `run-${++runs}.db`);
  const partitions = new Set(topics.values());
  if (target === "fetch-only" && partitions.size !== 1) throw new Error("the fetch-only server gives every topic the same partition count");
  const server =
    target === "mock" ? await startMockCluster(mock, topics)
    : target === "fetch-only" ? await startServer([process.execPath, SINK, "0", String([...partitions][0])])
    : await startServer(brokerArgv(target === "memory" ? "memory://" : `sqlite://${path}`));
  const bootstrap = `127.0.0.1:${server.port}`;
  const cleanup = async () => {
    await server.stop();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  };
  if (target === "memory" || target === "sqlite") {
    const create = ([name, n]: [string, number]) => run([process.execPath, MAIN, "topic", "create", name, "--partitions", String(n), "--bootstrap-server", bootstrap]);
    await Promise.all([...topics].map(create)).catch(async (e: unknown) => {
      await cleanup();
      throw e;
    });
  }
  return { server, bootstrap, cleanup };
}

// ---------------------------------------------------------------------------------------------
// Workloads

interface Workload<S> {
  title: string;
  peer: Peer;
  topics: ReadonlyMap<string, number>;
  /** Before the timed part. */
  load?: (bootstrap: string) => Promise<void>;
  timed: (bootstrap: string) => Promise<S>;
  /** After the timed part: throws unless the server holds what was sent. */
  check?: (bootstrap: string) => Promise<void>;
}
type Measured<S> = S & { cpuS: number };
interface Throughput {
  seconds: number;
}
interface Latency {
  p50: number;
  p99: number;
}

const holds = (topic: string, partitions: number, records: number) => async (bootstrap: string) => {
  const n = await endOffsets(bootstrap, topic, partitions);
  if (n !== records) throw new Error(`${topic} on ${bootstrap}: end offsets add up to ${n}, expected ${records}`);
};
const seconds = async (runs: readonly (readonly string[])[]): Promise<Throughput> => ({ seconds: await timedRuns(runs) });
const consume = (b: string, topic: string, count: number, partition: string[] = []) => ["kcat", "-C", "-b", b, "-t", topic, ...partition, "-o", "beginning", "-c", String(count), "-q"];
const READ8 = [0, 1, 2, 3].map((k) => `r8-${k}`);

const throughputs: Workload<Throughput>[] = [
  {
    title: "produce, 1 partition × 1 producer",
    peer: "mock",
    topics: new Map([["p1", 1]]),
    timed: (b) => seconds([["kcat", ...PRODUCE, "-b", b, "-t", "p1", "-p", "0", "-l", ALL]]),
    check: holds("p1", 1, RECORDS),
  },
  {
    title: "produce, 8 partitions × 4 producers",
    peer: "mock",
    topics: new Map([["p8", 8]]),
    timed: (b) => seconds(KEYED.map((file) => ["kcat", ...PRODUCE, "-b", b, "-t", "p8", "-K", "|", "-l", file])),
    check: holds("p8", 8, RECORDS),
  },
  {
    title: "read, 1 partition × 1 consumer",
    peer: "fetch-only",
    topics: new Map([["r1", 1]]),
    load: (b) => run(["kcat", ...PRODUCE, "-b", b, "-t", "r1", "-p", "0", "-l", ALL]),
    timed: (b) => seconds([consume(b, "r1", RECORDS, ["-p", "0"])]),
  },
  {
    title: "read, 8 partitions × 4 consumers",
    peer: "fetch-only",
    topics: new Map(READ8.map((t) => [t, 2])),
    load: async (b) => {
      await Promise.all(READ8.flatMap((t) => ["0", "1"].map((p) => run(["kcat", ...PRODUCE, "-b", b, "-t", t, "-p", p, "-l", EIGHTH]))));
    },
    timed: (b) => seconds(READ8.map((t) => consume(b, t, RECORDS / 4))),
  },
];

const latency: Workload<Latency> = {
  title: `produce latency at ${LATENCY.rate.toLocaleString("en")} records/s, acks=all`,
  peer: "mock",
  topics: new Map([["lat", 1]]),
  timed: async (bootstrap) => {
    const p = Bun.spawn([PYTHON, LATENCY_PRODUCER, JSON.stringify({ bootstrap, topic: "lat", ...LATENCY })], { stdout: "pipe", stderr: "inherit" });
    const out = await new Response(p.stdout).text();
    if ((await p.exited) !== 0) throw new Error(`latency producer into ${bootstrap} failed`);
    const r = JSON.parse(out) as { errors: string[]; rate: number; p50_ms: number | null; p99_ms: number | null };
    if (r.errors.length > 0 || r.p50_ms === null || r.p99_ms === null) throw new Error(`latency producer into ${bootstrap}: ${r.errors.join("; ") || "nothing acknowledged"}`);
    if (r.rate < LATENCY.rate * 0.98) throw new Error(`latency producer into ${bootstrap} kept only ${r.rate.toFixed(0)} records/s`);
    return { p50: r.p50_ms, p99: r.p99_ms };
  },
  check: holds("lat", 1, LATENCY.rate * (LATENCY.seconds + LATENCY.warmup_seconds)),
};

async function measure<S>(w: Workload<S>, target: Target): Promise<Measured<S>> {
  const s = await start(target, w.topics);
  try {
    await w.load?.(s.bootstrap);
    const cpu0 = cpuSeconds(s.server.pid);
    const sample = await w.timed(s.bootstrap);
    const cpuS = cpuSeconds(s.server.pid) - cpu0;
    await w.check?.(s.bootstrap);
    return { ...sample, cpuS };
  } finally {
    await s.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Rounds and the table

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const GB = (RECORDS * RECORD_BYTES) / 1e9;
const rate = (m: Throughput) => RECORDS / m.seconds;

type Runs<S> = Map<Target, Measured<S>[]>;
async function round<S>(w: Workload<S>, all: Runs<S>, n: number, show: (m: Measured<S>) => string): Promise<void> {
  const targets: Target[] = [w.peer, ...engines];
  for (const target of n % 2 === 1 ? targets : targets.reverse()) {
    const m = await measure(w, target);
    all.set(target, [...(all.get(target) ?? []), m]);
    console.error(`round ${n} ${w.title}: ${NAMES[target]} ${show(m)}`);
  }
}

const list = (xs: readonly number[], digits: number) => `(${xs.map((x) => x.toFixed(digits)).join(" ")})`;
const col = (s: string, n: number) => s.padStart(n);

function throughputTable(w: Workload<Throughput>, all: Runs<Throughput>): string[] {
  const peer = all.get(w.peer)!;
  const out = [`${w.title.padEnd(40)}${col("records/s", 10)}${col("MB/s", 8)}${col(`× ${w.peer === "mock" ? "mock" : "fetch-only"}`, 14)}  ${"(rounds)".padEnd(22)}${col("CPU s/GB", 9)}`];
  for (const target of [w.peer, ...engines]) {
    const runs = all.get(target)!;
    const r = median(runs.map(rate));
    const ratios = runs.map((m, k) => rate(m) / rate(peer[k]!));
    const vs = target === w.peer ? ["", ""] : [median(ratios).toFixed(2), list(ratios, 2)];
    out.push(`  ${NAMES[target].padEnd(38)}${col(r.toFixed(0), 10)}${col(((r * RECORD_BYTES) / 1e6).toFixed(1), 8)}${col(vs[0]!, 14)}  ${vs[1]!.padEnd(22)}${col(median(runs.map((m) => m.cpuS / GB)).toFixed(1), 9)}`);
  }
  return out;
}

function latencyTable(all: Runs<Latency>): string[] {
  const peer = all.get("mock")!;
  const out = [`${latency.title.padEnd(52)}${col("p50 ms", 8)}${col("p99 ms", 8)}${col("p99 − mock", 12)}  ${"(rounds)".padEnd(22)}${col("CPU %", 6)}`];
  for (const target of ["mock" as const, ...engines]) {
    const runs = all.get(target)!;
    const diffs = runs.map((m, k) => m.p99 - peer[k]!.p99);
    const vs = target === "mock" ? ["", ""] : [median(diffs).toFixed(2), list(diffs, 2)];
    const cpu = median(runs.map((m) => m.cpuS)) / (LATENCY.seconds + LATENCY.warmup_seconds);
    out.push(`  ${NAMES[target].padEnd(50)}${col(median(runs.map((m) => m.p50)).toFixed(2), 8)}${col(median(runs.map((m) => m.p99)).toFixed(2), 8)}${col(vs[0]!, 12)}  ${vs[1]!.padEnd(22)}${col((cpu * 100).toFixed(0), 6)}`);
  }
  return out;
}

const loadAtStart = load();
try {
  const throughputRuns = throughputs.map((): Runs<Throughput> => new Map());
  const latencyRuns: Runs<Latency> = new Map();
  const showRate = (m: Measured<Throughput>) => `${rate(m).toFixed(0)} records/s (${m.seconds.toFixed(2)} s), CPU ${m.cpuS.toFixed(2)} s`;
  for (let n = 1; n <= ROUNDS; n++) {
    for (const [i, w] of throughputs.slice(0, 2).entries()) await round(w, throughputRuns[i]!, n, showRate);
    await round(latency, latencyRuns, n, (m) => `p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms`);
    for (const [i, w] of throughputs.slice(2).entries()) await round(w, throughputRuns[i + 2]!, n, showRate);
  }
  const table = [
    `${RECORDS.toLocaleString("en")} × ${RECORD_BYTES}-byte records a run, kcat (librdkafka 2.0.2), loopback; ${ROUNDS} rounds, peer first and last in turn, medians`,
    `load average (1 min) ${loadAtStart} at the start, ${load()} at the end, on ${navigator.hardwareConcurrency} cores`,
    "",
    ...throughputs.slice(0, 2).flatMap((w, i) => throughputTable(w, throughputRuns[i]!)),
    ...latencyTable(latencyRuns),
    ...throughputs.slice(2).flatMap((w, i) => throughputTable(w, throughputRuns[i + 2]!)),
  ];
  console.log(table.join("\n"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
