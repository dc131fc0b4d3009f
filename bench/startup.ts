// Start time and memory of the compiled binary (run by hand: bun bench/startup.ts [runs] [records]).
// Builds dist/tansu (npm run build) and a trivial compiled Bun.listen echo server (the floor), then
// for each: the time from exec to the first answered ApiVersions request (median of `runs` starts,
// with the client retrying its connection until the port opens), the resident set after a second
// idle, and after `records` records were produced (100 B values, 1,000 per Produce request, acks
// all; the echo server just sends each request back). SQLite restarts on an existing database, as
// a scaled-to-zero machine does. "private" is the idle RssAnon: memory the process itself wrote, as
// opposed to clean pages of the executable it runs from (shared and reclaimable).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRequest } from "../src/protocol/frame.ts";
import { ApiVersionsApi, ProduceApi } from "../src/protocol/generated/index.ts";
import { encodeBatch } from "../src/protocol/records/index.ts";
import { RawClient } from "./support/raw-client.ts";

const RUNS = Number(process.argv[2] ?? 20);
const RECORDS = Number(process.argv[3] ?? 100_000);
const PER_REQUEST = 1_000;
const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "tansu-startup-"));

async function run(argv: string[]): Promise<void> {
  const p = Bun.spawn(argv, { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`${argv.join(" ")} failed`);
}

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = s;
  s.stop(true);
  return port;
}

const statusKiB = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
const apiVersions = encodeRequest(ApiVersionsApi, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: "bench" }, { clientSoftwareName: "", clientSoftwareVersion: "" }).slice();

interface Target {
  name: string;
  argv(port: number): string[];
  /** Before producing: create the topic (not for the echo server). */
  prepare?(port: number): Promise<void>;
}

async function firstAnswer(port: number): Promise<RawClient> {
  for (;;) {
    try {
      const client = await RawClient.connect(port);
      await client.request(apiVersions);
      return client;
    } catch {
      await Bun.sleep(0);
    }
  }
}

/** One start: ms from spawn to the first ApiVersions answer; the process is left running. */
async function start(target: Target) {
  const port = freePort();
  const t0 = performance.now();
  const proc = Bun.spawn(target.argv(port), { cwd: dir, stdout: "ignore", stderr: "ignore" });
  const client = await firstAnswer(port);
  const ms = performance.now() - t0;
  return { ms, port, proc, client };
}

function produceFrame(i: number): Uint8Array {
  const value = new Uint8Array(100).fill(0x61);
  const records = Array.from({ length: PER_REQUEST }, () => ({ key: null, value }));
  const partitionData = [{ index: 0, records: encodeBatch(records) }];
  return encodeRequest(ProduceApi, { apiKey: 0, apiVersion: 9, correlationId: i + 2, clientId: "bench" }, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: "bench", partitionData }] }).slice();
}

async function measure(target: Target) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await start(target);
    times.push(s.ms);
    s.client.close();
    s.proc.kill("SIGTERM");
    await s.proc.exited;
  }
  times.sort((a, b) => a - b);
  const s = await start(target);
  await Bun.sleep(1000);
  const idleKiB = statusKiB(s.proc.pid, "VmRSS");
  const idleAnonKiB = statusKiB(s.proc.pid, "RssAnon");
  await target.prepare?.(s.port);
  for (let i = 0; i < RECORDS / PER_REQUEST; i++) await s.client.request(produceFrame(i));
  await Bun.sleep(500);
  const loadedKiB = statusKiB(s.proc.pid, "VmRSS");
  const peakKiB = statusKiB(s.proc.pid, "VmHWM");
  s.client.close();
  s.proc.kill("SIGTERM");
  await s.proc.exited;
  const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!;
  return { name: target.name, median: q(0.5), min: times[0]!, p90: q(0.9), idleMiB: idleKiB / 1024, idleAnonMiB: idleAnonKiB / 1024, loadedMiB: loadedKiB / 1024, peakMiB: peakKiB / 1024 };
}

await run(["npm", "run", "--silent", "build"]);
const tansu = join(root, "dist", "tansu");
const echo = join(dir, "echo-server");
await run([process.execPath, "build", "--compile", "--minify", join(import.meta.dir, "support", "echo-server.ts"), "--outfile", echo]);

const createTopic = (port: number) => run([tansu, "topic", "create", "bench", "--partitions", "1", "--bootstrap-server", `127.0.0.1:${port}`]);
const broker = (storage: string, admin: boolean) => (port: number) => [
  tansu, "broker", "--listener-url", `tcp://127.0.0.1:${port}`, "--storage-engine", storage, "--admin-listener-url", admin ? "http://127.0.0.1:0" : "",
];
// a first start creates the SQLite database; the measured ones reopen it
const db = `sqlite://${join(dir, "tansu.db")}`;
const init = await start({ name: "init", argv: broker(db, true) });
init.proc.kill("SIGTERM");
await init.proc.exited;

const targets: Target[] = [
  { name: "echo server (floor)", argv: (port) => [echo, String(port)] },
  { name: "tansu sqlite, admin on", argv: broker(db, true), prepare: createTopic },
  { name: "tansu sqlite, admin off", argv: broker(`sqlite://${join(dir, "off.db")}`, false), prepare: createTopic },
  { name: "tansu memory, admin on", argv: broker("memory://", true), prepare: createTopic },
];
console.log(`${RUNS} starts each; RSS idle after 1 s, then after ${RECORDS} records produced; first SQLite start (creating the database): ${init.ms.toFixed(1)} ms`);
console.log("target                       start median   min     p90    idle RSS  (private)  RSS after  peak RSS");
for (const t of targets) {
  const r = await measure(t);
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(8);
  const mib = (v: number) => `${v.toFixed(1)} MiB`.padStart(10);
  console.log(`${r.name.padEnd(28)} ${ms(r.median)}  ${ms(r.min)} ${ms(r.p90)} ${mib(r.idleMiB)} ${mib(r.idleAnonMiB)} ${mib(r.loadedMiB)} ${mib(r.peakMiB)}`);
}
rmSync(dir, { recursive: true, force: true });
