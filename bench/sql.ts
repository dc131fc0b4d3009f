// SQL engines vs the raw limit of the same database in the same run (by hand: bun bench/sql.ts [records]).
// BENCH_SQL=sqlite or BENCH_SQL=postgres runs only that half (default: both).
// kcat (librdkafka) sends RECORDS × 100-byte records to one partition through a broker on each
// engine; then the same rows go straight into the same table shape without the broker:
//   SQLite      the batches the broker stored, re-inserted as prepared inserts, one transaction
//               per batch (same pragmas); and, for reference, one 100-byte row per record
//   PostgreSQL  COPY … FROM STDIN (binary) of the same rows into a table like tansu.record plus
//               the batch rows, one transaction per batch of the broker's average size; and, for
//               reference, one COPY of everything in one transaction
// Ratios are broker ÷ raw (goal ≥ 0.7 for SQLite, ≥ 0.8 for PostgreSQL).

import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brokerArgv, startServer } from "./support/server.ts";
import postgres from "postgres";
import { prepareCopyRows, patchCopyRows, uuidBytes } from "../src/storage/postgres/copy-rows.ts";
import type { RecordRow } from "../src/storage/postgres/rebuild.ts";
import { startEmbeddedPostgres } from "../test/support/postgres.ts";

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const RECORD_BYTES = 100;
const dir = mkdtempSync(join(tmpdir(), "tansu-bench-sql-"));
const file = join(dir, "records.txt");
const filler = "x".repeat(RECORD_BYTES - 8);
writeFileSync(file, Array.from({ length: RECORDS }, (_, i) => `${String(i).padStart(7, "0")}:${filler}`).join("\n") + "\n");

async function brokerProduce(storage: string): Promise<number> {
  const server = await startServer(brokerArgv(storage));
  const port = server.port;
  const bootstrap = `127.0.0.1:${port}`;
  await run(["kcat", "-P", "-b", bootstrap, "-t", "bench-warmup", "-p", "0"], "warm\n");
  const t0 = performance.now();
  await run(["kcat", "-P", "-b", bootstrap, "-t", "bench", "-p", "0", "-z", "none", "-X", "linger.ms=5", "-X", "batch.size=1000000", "-l", file]);
  const seconds = (performance.now() - t0) / 1000;
  await server.stop();
  return seconds;
}

async function run(argv: string[], stdin?: string): Promise<void> {
  const p = Bun.spawn(argv, { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`${argv.join(" ")} failed`);
}

const rate = (seconds: number) => RECORDS / seconds;
const lines: string[] = [];
const report = (name: string, seconds: number) => {
  lines.push(`${name.padEnd(58)} ${rate(seconds).toFixed(0).padStart(9)} records/s  (${seconds.toFixed(2)} s)`);
  console.error(lines.at(-1));
};

async function sqlite(): Promise<void> {
  const path = join(dir, "broker.db");
  const brokerS = await brokerProduce(`sqlite://${path}`);
  report("SQLite: broker (kcat → broker → sqlite)", brokerS);
  const source = new Database(path, { readonly: true });
  const batches = source.query<{ base_offset: number; last_offset: number; max_timestamp: number; bytes: Uint8Array }, []>(
    "SELECT b.base_offset, b.last_offset, b.max_timestamp, b.bytes FROM batch b JOIN topic t ON t.id = b.topic WHERE t.name = 'bench' ORDER BY b.base_offset",
  ).all();
  source.close();
  const perBatch = Math.round(RECORDS / batches.length);
  lines.push(`  (${batches.length} batches, ${perBatch} records each on average)`);

  const raw = new Database(join(dir, "raw.db"), { create: true });
  raw.run("PRAGMA journal_mode = WAL");
  raw.run("PRAGMA synchronous = FULL");
  raw.run("CREATE TABLE batch (topic INTEGER NOT NULL, partition INTEGER NOT NULL, base_offset INTEGER NOT NULL, last_offset INTEGER NOT NULL, max_timestamp INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (topic, partition, base_offset))");
  raw.run("CREATE INDEX batch_max_timestamp ON batch (topic, partition, max_timestamp DESC, base_offset)");
  raw.run("CREATE TABLE record (topic INTEGER NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID");
  const insertBatch = raw.prepare("INSERT INTO batch VALUES (1, 0, ?, ?, ?, ?)");
  let t0 = performance.now();
  for (const b of batches) raw.transaction(() => insertBatch.run(b.base_offset, b.last_offset, b.max_timestamp, b.bytes)).immediate();
  const rawBatchS = (performance.now() - t0) / 1000;
  report("SQLite: raw prepared inserts of the same batches, same table", rawBatchS);
  const value = new Uint8Array(RECORD_BYTES).fill(0x78);
  const insertRecord = raw.prepare("INSERT INTO record VALUES (1, 0, ?, ?)");
  t0 = performance.now();
  for (let start = 0; start < RECORDS; start += perBatch) {
    raw.transaction(() => {
      for (let o = start; o < Math.min(RECORDS, start + perBatch); o++) insertRecord.run(o, value);
    }).immediate();
  }
  const rawRowsS = (performance.now() - t0) / 1000;
  report("SQLite: raw prepared inserts, a row per record (reference)", rawRowsS);
  raw.close();
  lines.push(`SQLite ratio broker ÷ raw same-shape inserts: ${(rawBatchS / brokerS).toFixed(2)}; ÷ row-per-record inserts: ${(rawRowsS / brokerS).toFixed(2)}`);
}

async function postgresql(): Promise<void> {
  const server = await startEmbeddedPostgres({ settings: { max_connections: "100" } });
  try {
    const admin = postgres(server.url.href, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database bench");
    await admin.end();
    const url = new URL(server.url.href);
    url.pathname = "/bench";
    const brokerS = await brokerProduce(url.href);
    report("PostgreSQL: broker (kcat → broker → COPY)", brokerS);
    const sql = postgres(url.href, { max: 1, onnotice: () => {} });
    const [stats] = await sql`select count(*)::int as batches from tansu.batch b join tansu.topic t using (topic_id) where t.name = 'bench'`;
    const batches = Number(stats?.batches);
    const perBatch = Math.round(RECORDS / batches);
    lines.push(`  (${batches} batches, ${perBatch} records each on average)`);
    await sql.unsafe("create table raw_record (like tansu.record including all); create table raw_batch (like tansu.batch including all)").simple();
    const topicId = crypto.randomUUID();
    const value = new Uint8Array(RECORD_BYTES).fill(0x78);
    const chunks: Uint8Array[] = [];
    for (let start = 0; start < RECORDS; start += perBatch) {
      const rows: RecordRow[] = [];
      for (let o = 0; o < Math.min(perBatch, RECORDS - start); o++) rows.push({ offset: o, timestamp: 1_700_000_000_000, key: null, value, headers: null });
      const prepared = prepareCopyRows(0, rows);
      patchCopyRows(prepared, rows, uuidBytes(topicId), start);
      chunks.push(prepared.data);
    }
    let t0 = performance.now();
    let base = 0;
    for (const chunk of chunks) {
      await sql.begin(async (tx) => {
        const stream = await tx.unsafe("copy raw_record from stdin (format binary)").writable();
        await new Promise<void>((resolve, reject) => {
          stream.once("error", reject);
          stream.end(Buffer.from(chunk), resolve);
        });
        await tx.unsafe("insert into raw_batch values ($1::uuid, 0, $2::bigint, $3::bigint, 0, -1, 0, 0, 0, 0, -1, -1, -1, 0, null)", [topicId, base, base + perBatch - 1]);
      });
      base += perBatch;
    }
    const rawS = (performance.now() - t0) / 1000;
    report("PostgreSQL: raw COPY of the same rows, a transaction per batch", rawS);
    await sql.unsafe("truncate raw_record");
    const all = Buffer.concat(chunks.map((c, i) => Buffer.from(i === 0 ? c.subarray(0, c.length - 2) : i === chunks.length - 1 ? c.subarray(19) : c.subarray(19, c.length - 2))));
    t0 = performance.now();
    await sql.begin(async (tx) => {
      const stream = await tx.unsafe("copy raw_record from stdin (format binary)").writable();
      await new Promise<void>((resolve, reject) => {
        stream.once("error", reject);
        stream.end(all, resolve);
      });
    });
    const rawOneS = (performance.now() - t0) / 1000;
    report("PostgreSQL: raw COPY of all rows in one transaction (reference)", rawOneS);
    await sql.end();
    lines.push(`PostgreSQL ratio broker ÷ raw COPY per batch: ${(rawS / brokerS).toFixed(2)}; ÷ one COPY: ${(rawOneS / brokerS).toFixed(2)}`);
  } finally {
    await server.stop();
  }
}

const only = process.env.BENCH_SQL ?? "";
if (only !== "" && only !== "sqlite" && only !== "postgres") throw new Error(`BENCH_SQL=${only}: expected sqlite or postgres`);
try {
  if (only !== "postgres") await sqlite();
  if (only !== "sqlite") await postgresql();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${RECORDS.toLocaleString("en")} × ${RECORD_BYTES}-byte records, kcat (librdkafka, linger.ms=5, batch.size=1000000), one partition, loopback`);
for (const line of lines) console.log(line);
