// Produce and consume throughput (run by hand: bun bench/produce.ts [records]).
// kcat (librdkafka) sends 1,000,000 × 100-byte records to one partition of (a) the broker on the
// memory engine and (b) a trivial in-memory sink that only answers the requests kcat needs — the
// raw loopback limit of the same client in the same run — then reads them all back from each
// (kcat -c N: timed to the last record, not to the end-of-partition long poll).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brokerArgv, cpuSeconds, peakRssMiB, startServer } from "./support/server.ts";

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const RECORD_BYTES = 100;
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
const targets: { name: string; argv: string[] }[] = [
  { name: "raw sink (limit)", argv: [process.execPath, join(root, "bench/support/sink.ts")] },
  { name: "broker, memory engine", argv: brokerArgv("memory://") },
];

const rows: string[] = [];
const rates: number[][] = [];
for (const target of targets) {
  const server = await startServer(target.argv);
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
