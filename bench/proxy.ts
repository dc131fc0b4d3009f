// `tansu proxy` next to the cluster it fronts (run by hand: bun bench/proxy.ts [rounds] [seconds]
// [--mock-cluster]; defaults 3 rounds of 4 s runs, about a minute and a half in all).
//
// The upstream is the broker on the memory engine, or with --mock-cluster librdkafka's mock cluster
// of three brokers (needs gcc and librdkafka-dev), each topic led by its last broker. The proxy runs
// as a child process with its default settings, listening on free ports, its admin port off (as the
// broker's is), and --max-node-id 111: the broker's default node id, past the proxy's default range.
//
// One client, support/proxy-load.ts (the project's client, in this process), produces to a fresh
// 1-partition topic per run, directly to the upstream or through the proxy: 100 records of 100
// bytes per Produce request, acks all, a request's latency from its send to its answer.
//   60,000 records/s   a request every 1.67 ms on a schedule, answered or not (a fixed offered load)
//   full speed         64 requests in flight (a producer with its defaults keeps many)
// Before the first round each way gets 2 s at full speed, unmeasured. Each run then sends for 1 s
// unmeasured, then RUN seconds measured: records/s counts the records acknowledged in those
// seconds, p50/p99 the requests sent in them (nearest rank). A round measures each load direct and
// through the proxy, direct first in odd rounds and last in even ones; the table gives medians
// over the rounds, and the proxy's figure next to the direct one of the same round: records/s ÷
// direct, p50 and p99 − direct (then every round's, in brackets). Proxy CPU % is the proxy
// process's CPU (user + system) over its run, % of one core.
//
// Memory (/proc/<pid>/status): a broker's VmRSS idle (1 s after it started, before any client; with
// --mock-cluster one is started just for this) next to the proxy's VmRSS idle (likewise), and its VmHWM (peak) and VmRSS after every run.
// The client, the proxy and the upstream share the machine's cores.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Memory, memory } from "./support/lake-broker.ts";
import { type Load, type LoadResult, runLoad } from "./support/proxy-load.ts";
import { brokerUpstream, mockUpstream, type Upstream } from "./support/proxy-upstream.ts";
import { brokerArgv, cpuSeconds, type Server, startServer } from "./support/server.ts";

const args = process.argv.slice(2);
const MOCK = args.includes("--mock-cluster");
const [roundsArg = "3", secondsArg = "4", ...rest] = args.filter((a) => a !== "--mock-cluster");
const ROUNDS = Number(roundsArg);
const RUN_SECONDS = Number(secondsArg);
if (rest.length > 0 || !Number.isInteger(ROUNDS) || ROUNDS < 1 || !(RUN_SECONDS > 0)) {
  console.error("usage: bun bench/proxy.ts [rounds (default 3)] [seconds per run (default 4)] [--mock-cluster]");
  process.exit(1);
}

const RATE = 60_000;
const BASE: Omit<Load, "topic" | "rate"> = { window: 64, recordsPerRequest: 100, recordBytes: 100, warmupSeconds: 1, seconds: RUN_SECONDS };
const LOADS = [
  { title: `offered ${RATE.toLocaleString("en")} records/s`, rate: RATE },
  { title: `full speed, ${BASE.window} requests in flight`, rate: null },
] as const;
const MOCK_BROKERS = 3;
/** The broker's default node id; the proxy gives a port to node ids up to --max-node-id. */
const BROKER_NODE_ID = 111;
const IDLE_MS = 1000;
/** Before the first round, full speed each way, unmeasured: the broker, the proxy and the client settle in. */
const WARM_UP_SECONDS = 2;
const MAIN = join(import.meta.dir, "..", "src", "main.ts");

type Path = "direct" | "proxy";
interface Run extends LoadResult {
  /** The proxy's CPU over the run, seconds. */
  proxyCpuS: number;
  elapsedS: number;
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`;
const list = (xs: readonly number[], format: (x: number) => string) => `(${xs.map(format).join(" ")})`;
const col = (s: string, n: number) => s.padStart(n);

async function startUpstream(): Promise<{ upstream: Upstream; idleBroker: Memory }> {
  const broker = await startServer(brokerArgv("memory://"));
  let idleBroker: Memory;
  try {
    await Bun.sleep(IDLE_MS);
    idleBroker = memory(broker.pid);
    if (!MOCK) return { upstream: await brokerUpstream(broker), idleBroker };
  } catch (e) {
    await broker.stop();
    throw e;
  }
  await broker.stop();
  return { upstream: await mockUpstream(MOCK_BROKERS), idleBroker };
}

function startProxy(upstream: Upstream): Promise<Server> {
  return startServer([
    process.execPath, MAIN, "proxy",
    "--upstream", `kafka://${upstream.bootstrap}`,
    "--listener-url", "tcp://127.0.0.1:0",
    "--admin-listener-url", "",
    "--max-node-id", String(Math.max(BROKER_NODE_ID, MOCK_BROKERS)),
    "--log-level", "info",
  ]);
}

type Runs = { direct: Run[]; proxy: Run[] }[];

async function rounds(upstream: Upstream, proxy: Server): Promise<Runs> {
  const bootstrap: Record<Path, string> = { direct: upstream.bootstrap, proxy: `127.0.0.1:${proxy.port}` };
  let topics = 0;
  const measure = async (path: Path, load: Omit<Load, "topic">): Promise<Run> => {
    const topic = `proxy-bench-${++topics}`;
    await upstream.createTopic(topic);
    const cpu0 = cpuSeconds(proxy.pid);
    const t0 = performance.now();
    const result = await runLoad(bootstrap[path], { ...load, topic });
    const elapsedS = (performance.now() - t0) / 1000;
    const proxyCpuS = cpuSeconds(proxy.pid) - cpu0;
    await upstream.dropTopic(topic);
    return { ...result, proxyCpuS, elapsedS };
  };
  for (const path of ["direct", "proxy"] as const) await measure(path, { ...BASE, rate: null, seconds: WARM_UP_SECONDS });
  const runs: Runs = LOADS.map(() => ({ direct: [], proxy: [] }));
  for (let n = 1; n <= ROUNDS; n++) {
    for (const [i, load] of LOADS.entries()) {
      const order: Path[] = n % 2 === 1 ? ["direct", "proxy"] : ["proxy", "direct"];
      for (const path of order) {
        const r = await measure(path, { ...BASE, rate: load.rate });
        runs[i]![path].push(r);
        console.error(`round ${n} ${load.title}, ${path}: ${r.recordsPerSec.toFixed(0)} records/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, proxy CPU ${r.proxyCpuS.toFixed(2)} s`);
      }
    }
  }
  return runs;
}

function table(upstream: Upstream, runs: Runs, idleBroker: Memory, idleProxy: Memory, loaded: Memory, loadAtStart: string): string[] {
  const out = [
    `tansu proxy in front of ${upstream.name}, loopback; ${BASE.recordsPerRequest} × ${BASE.recordBytes}-byte records per Produce request, acks all, 1 partition, the project's client`,
    `${ROUNDS} rounds of ${BASE.warmupSeconds} s warm-up + ${RUN_SECONDS} s per run, direct and through the proxy in turn, medians`,
    `load average (1 min) ${loadAtStart} at the start, ${loadAverage()} at the end, on ${navigator.hardwareConcurrency} cores`,
    "",
    `${"".padEnd(36)}${col("records/s", 10)}${col("p50 ms", 9)}${col("p99 ms", 9)}${col("proxy CPU %", 13)}`,
  ];
  const verdicts: string[] = [];
  for (const [i, load] of LOADS.entries()) {
    const { direct, proxy: via } = runs[i]!;
    const ratios = via.map((r, k) => r.recordsPerSec / direct[k]!.recordsPerSec);
    const p50s = via.map((r, k) => r.p50Ms - direct[k]!.p50Ms);
    const p99s = via.map((r, k) => r.p99Ms - direct[k]!.p99Ms);
    const row = (name: string, rs: readonly Run[], cpu: boolean) =>
      `  ${name.padEnd(34)}${col(median(rs.map((r) => r.recordsPerSec)).toFixed(0), 10)}${col(median(rs.map((r) => r.p50Ms)).toFixed(2), 9)}${col(median(rs.map((r) => r.p99Ms)).toFixed(2), 9)}${col(cpu ? (median(rs.map((r) => r.proxyCpuS / r.elapsedS)) * 100).toFixed(0) : "", 13)}`;
    out.push(
      load.title,
      row("direct", direct, false),
      row("through the proxy", via, true),
      `  ${"proxy ÷ direct, proxy − direct".padEnd(34)}${col(`${median(ratios).toFixed(2)} ×`, 10)}${col(signed(median(p50s)), 9)}${col(signed(median(p99s)), 9)}`,
      `  ${"(rounds)".padEnd(34)}${list(ratios, (x) => x.toFixed(2))} p50 ${list(p50s, signed)} p99 ${list(p99s, signed)}`,
    );
    if (load.rate === null) verdicts.push(`throughput through the proxy ≥ 0.90 × direct at full speed: ${median(ratios).toFixed(2)} × (${median(ratios) >= 0.9 ? "met" : "not met"})`);
    else verdicts.push(`p99 added by the proxy < 1 ms at ${RATE.toLocaleString("en")} records/s: ${signed(median(p99s))} ms (${median(p99s) < 1 ? "met" : "not met"})`);
  }
  const within = (what: string, over: number) => `proxy ${what} within 10 MiB of the idle broker's RSS: ${signed(over)} MiB (${over <= 10 ? "met" : "not met"})`;
  const overBroker = loaded.hwmMiB - idleBroker.rssMiB;
  verdicts.push(within("idle RSS", idleProxy.rssMiB - idleBroker.rssMiB), within("peak RSS under load", overBroker));
  const mib = (name: string, value: number, note = "") => `  ${name.padEnd(44)}${col(value.toFixed(1), 8)}${note}`;
  out.push(
    "",
    `memory${"".padEnd(40)}${col("MiB", 8)}`,
    mib("broker (memory engine), idle VmRSS", idleBroker.rssMiB),
    mib("proxy, idle VmRSS", idleProxy.rssMiB, `   ${signed(idleProxy.rssMiB - idleBroker.rssMiB)} vs the idle broker`),
    mib("proxy, peak VmHWM after every run", loaded.hwmMiB, `   ${signed(overBroker)} vs the idle broker`),
    mib("proxy, VmRSS after every run", loaded.rssMiB),
    "",
    "goals",
    ...verdicts.map((v) => `  ${v}`),
  );
  return out;
}

const loadAtStart = loadAverage();
const { upstream, idleBroker } = await startUpstream();
try {
  const proxy = await startProxy(upstream);
  try {
    await Bun.sleep(IDLE_MS);
    const idleProxy = memory(proxy.pid);
    const runs = await rounds(upstream, proxy);
    console.log(table(upstream, runs, idleBroker, idleProxy, memory(proxy.pid), loadAtStart).join("\n"));
  } finally {
    await proxy.stop();
  }
} finally {
  await upstream.stop();
}
