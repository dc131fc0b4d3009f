// Produce and consume throughput (run by hand: bun bench/produce.ts [records]).
// kcat (librdkafka) sends 1,000,000 × 100-byte records to one partition of (a) the broker on the
// memory engine and (b) a trivial in-memory sink that only answers the requests kcat needs — the
// raw loopback limit of the same client in the same run — then reads them all back from each
// (kcat -c N: timed to the last record, not to the end-of-partition long poll).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const RECORD_BYTES = 100;
const CLK_TCK = 100;

interface Target {
  name: string;
  argv: string[];
}

async function start(target: Target): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const proc = Bun.spawn(target.argv, { stdout: "ignore", stderr: "pipe" });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    // keep draining stderr for the whole run so the server never blocks on a full pipe
    void (async () => {
      for await (const chunk of proc.stderr) {
        log += new TextDecoder().decode(chunk);
        const m = /listening listener=[^ ]*:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      }
      reject(new Error(`${target.name} did not start: ${log}`));
    })();
  });
  return { pid: proc.pid, port, stop: async () => { proc.kill("SIGTERM"); await proc.exited; } };
}

function cpuSeconds(pid: number): number {
  const fields = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

async function timed(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn(argv, { stdout: "ignore", stderr: "inherit" });
  const code = await p.exited;
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}`);
  return (performance.now() - t0) / 1000;
}

const dir = mkdtempSync(join(tmpdir(), "tansu-bench-"));
const file = join(dir, "records.txt");
const line = "x".repeat(RECORD_BYTES - 8);
writeFileSync(file, Array.from({ length: RECORDS }, (_, i) => `${String(i).padStart(7, "0")}:${line}`).join("\n") + "\n");

const root = join(import.meta.dir, "..");
const targets: Target[] = [
  { name: "raw sink (limit)", argv: [process.execPath, join(root, "bench/support/sink.ts")] },
  { name: "broker, memory engine", argv: [process.execPath, join(root, "src/main.ts"), "broker", "--storage-engine", "memory://", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--log-level", "info"] },
];

const rows: string[] = [];
const rates: number[][] = [];
for (const target of targets) {
  const server = await start(target);
  const bootstrap = `127.0.0.1:${server.port}`;
  const cpu0 = cpuSeconds(server.pid);
  const produceS = await timed(["kcat", "-P", "-b", bootstrap, "-t", "bench", "-p", "0", "-z", "none", "-X", "linger.ms=5", "-X", "batch.size=1000000", "-l", file]);
  const cpuProduce = cpuSeconds(server.pid) - cpu0;
  const consumeS = await timed(["kcat", "-C", "-b", bootstrap, "-t", "bench", "-p", "0", "-o", "beginning", "-c", String(RECORDS), "-q"]);
  const rss = peakRssMiB(server.pid);
  await server.stop();
  const p = RECORDS / produceS;
  const c = RECORDS / consumeS;
  rates.push([p, c]);
  rows.push(`${target.name.padEnd(24)} produce ${p.toFixed(0).padStart(8)} rec/s ${((p * RECORD_BYTES) / 1e6).toFixed(1).padStart(6)} MB/s  server CPU ${cpuProduce.toFixed(2)} s  | consume ${c.toFixed(0).padStart(8)} rec/s ${((c * RECORD_BYTES) / 1e6).toFixed(1).padStart(6)} MB/s | peak RSS ${rss.toFixed(0)} MiB`);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${RECORDS.toLocaleString("en")} × ${RECORD_BYTES}-byte records, kcat (librdkafka), one partition, loopback`);
for (const r of rows) console.log(r);
const [limit, broker] = rates;
if (limit && broker) console.log(`ratio broker/limit: produce ${(broker[0]! / limit[0]!).toFixed(2)}, consume ${(broker[1]! / limit[1]!).toFixed(2)}`);
