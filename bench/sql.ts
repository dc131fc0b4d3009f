// SQL engines vs the raw limit of the same database in the same run (by hand: bun bench/sql.ts [records]).
// BENCH_SQL=sqlite or BENCH_SQL=postgres runs only that half (default: both); BENCH_ROUNDS sets
// the rounds (default 5).
// kcat (librdkafka) sends RECORDS × 100-byte records to one partition through a broker on each
// engine; then the same rows go straight into the same table shape without the broker:
//   SQLite      the batches the broker stored, re-inserted as prepared inserts, one transaction
//               per batch (same pragmas); and, for reference, one 100-byte row per record
//   PostgreSQL  COPY … FROM STDIN (binary) of the same rows into a table like tansu.record plus
//               the batch rows, one transaction per batch of the broker's average size; and, for
//               reference, one COPY of everything in one transaction
// Each round runs the broker, then the raw inserts, each into a store of its own, so the two
// alternate and share whatever the disk is doing at the time. A round's ratio is broker ÷ raw
// records/s of that round (= raw seconds ÷ broker seconds); the figure to read is the median of
// the rounds' ratios (goal ≥ 0.7 for SQLite, ≥ 0.8 for PostgreSQL). The references run once,
// after the rounds, and are compared with the broker's median time. Each round also times kcat into
// bench/support/sink.ts (answers, stores nothing): the raw inserts need no client, while kcat sends
// its next batch only once the last one is answered, so the client's turnaround is part of every
// broker figure (see clientBound). So each round also sends the batches kcat's run stored straight
// to a broker on a fresh store, 8 requests in flight (support/batch-producer.ts), as clients that
// pipeline do: the broker and the database alone.

import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { produceBatches } from "./support/batch-producer.ts";
import { brokerArgv, startServer } from "./support/server.ts";
import postgres from "postgres";
import { prepareCopyRows, patchCopyRows, uuidBytes } from "../src/storage/postgres/copy-rows.ts";
import { openPostgresEngine } from "../src/storage/postgres/index.ts";
import type { RecordRow } from "../src/storage/postgres/rebuild.ts";
import { startEmbeddedPostgres } from "../test/support/postgres.ts";

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS=${process.env.BENCH_ROUNDS}: expected a positive integer`);
const RECORD_BYTES = 100;
const dir = mkdtempSync(join(tmpdir(), "tansu-bench-sql-"));
const file = join(dir, "records.txt");
const filler = "x".repeat(RECORD_BYTES - 8);
writeFileSync(file, Array.from({ length: RECORDS }, (_, i) => `${String(i).padStart(7, "0")}:${filler}`).join("\n") + "\n");

async function brokerProduce(storage: string): Promise<number> {
  return kcatProduce(brokerArgv(storage), true);
}

/** The client's own ceiling: the same kcat run into a sink that answers and stores nothing. */
function sinkProduce(): Promise<number> {
  return kcatProduce([process.execPath, join(import.meta.dir, "support", "sink.ts")], false);
}

/** Seconds for kcat to send the file through the server; `warmUp`: first one record to another topic. */
async function kcatProduce(argv: readonly string[], warmUp: boolean): Promise<number> {
  const server = await startServer(argv);
  const port = server.port;
  const bootstrap = `127.0.0.1:${port}`;
  if (warmUp) await run(["kcat", "-P", "-b", bootstrap, "-t", "bench-warmup", "-p", "0"], "warm\n");
  const t0 = performance.now();
  await run(["kcat", "-P", "-b", bootstrap, "-t", "bench", "-p", "0", "-z", "none", "-X", "linger.ms=5", "-X", "batch.size=1000000", "-l", file]);
  const seconds = (performance.now() - t0) / 1000;
  await server.stop();
  return seconds;
}

/** The batches a kcat run stored, sent as they are, 8 in flight (batch-producer.ts), to a broker on `storage`. */
async function brokerProduceBatches(storage: string, batches: readonly Uint8Array[]): Promise<number> {
  const server = await startServer(brokerArgv(storage));
  await run([process.execPath, join(import.meta.dir, "..", "src", "main.ts"), "topic", "create", "bench", "--partitions", "1", "--bootstrap-server", `127.0.0.1:${server.port}`]);
  const seconds = await produceBatches(server.port, "bench", batches);
  await server.stop();
  return seconds;
}

async function run(argv: string[], stdin?: string): Promise<void> {
  const p = Bun.spawn(argv, { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`${argv.join(" ")} failed`);
}

const rate = (seconds: number) => RECORDS / seconds;
const figure = (seconds: number) => `${rate(seconds).toFixed(0).padStart(9)} records/s (${seconds.toFixed(2)} s)`;
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.error(line);
};

interface Round {
  brokerS: number;
  rawS: number;
}

/**
 * What the client allows: kcat into a no-op sink, and broker ÷ (sink + raw). kcat keeps about one
 * Produce in flight here, so each batch costs the client's turnaround (the sink's time) plus the
 * database's (raw): a broker that added nothing else would take sink + raw.
 */
function clientBound(engine: string, rounds: readonly (Round & { sinkS: number })[]): void {
  const ceiling = rounds.map((r) => r.sinkS / r.brokerS);
  say(`${engine}: the client's ceiling (kcat into a no-op sink) ${figure(median(rounds.map((r) => r.sinkS)))}; broker ÷ it, median ${median(ceiling).toFixed(2)} (rounds: ${ceiling.map((c) => c.toFixed(2)).join(" ")})`);
  const serial = rounds.map((r) => (r.sinkS + r.rawS) / r.brokerS);
  say(`${engine}: broker ÷ (sink + raw), the bound for a client with one request in flight, median ${median(serial).toFixed(2)} (rounds: ${serial.map((c) => c.toFixed(2)).join(" ")})`);
}

/** One line per round, then the median ratio; returns the broker's median seconds. */
function summarise(engine: string, raw: string, rounds: readonly Round[]): number {
  const ratios = rounds.map((r) => r.rawS / r.brokerS);
  const brokerS = median(rounds.map((r) => r.brokerS));
  say(`${engine} median ratio broker ÷ ${raw} over ${rounds.length} rounds: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`);
  say(`  medians: broker ${figure(brokerS)}, raw ${figure(median(rounds.map((r) => r.rawS)))}`);
  return brokerS;
}

function removeSqlite(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
}

interface StoredBatchRow {
  base_offset: number;
  last_offset: number;
  max_timestamp: number;
  bytes: Uint8Array;
}

async function sqliteRound(round: number): Promise<Round & { sinkS: number; pipelinedS: number; batches: number }> {
  const path = join(dir, `broker-${round}.db`);
  const sinkS = await sinkProduce();
  const brokerS = await brokerProduce(`sqlite://${path}`);
  const source = new Database(path, { readonly: true });
  const batches = source.query<StoredBatchRow, []>(
    "SELECT b.base_offset, b.last_offset, b.max_timestamp, b.bytes FROM batch b JOIN topic t ON t.id = b.topic WHERE t.name = 'bench' ORDER BY b.base_offset",
  ).all();
  source.close();
  removeSqlite(path);
  const pipelinedS = await brokerProduceBatches(`sqlite://${path}`, batches.map((b) => b.bytes));
  removeSqlite(path);

  const rawPath = join(dir, `raw-${round}.db`);
  const raw = openRawSqlite(rawPath);
  const insertBatch = raw.prepare("INSERT INTO batch VALUES (1, 0, ?, ?, ?, ?)");
  const t0 = performance.now();
  for (const b of batches) raw.transaction(() => insertBatch.run(b.base_offset, b.last_offset, b.max_timestamp, b.bytes)).immediate();
  const rawS = (performance.now() - t0) / 1000;
  raw.close();
  removeSqlite(rawPath);
  say(`SQLite round ${round}: broker ${figure(brokerS)}, raw ${figure(rawS)}, ratio ${(rawS / brokerS).toFixed(2)}  (${batches.length} batches); kcat into a no-op sink ${figure(sinkS)}; the same batches 8 in flight ${figure(pipelinedS)}, ratio ${(rawS / pipelinedS).toFixed(2)}`);
  return { brokerS, rawS, sinkS, pipelinedS, batches: batches.length };
}

/** A database with the broker's pragmas and batch table shape. */
function openRawSqlite(path: string): Database {
  const raw = new Database(path, { create: true });
  raw.run("PRAGMA journal_mode = WAL");
  raw.run("PRAGMA synchronous = FULL");
  raw.run("CREATE TABLE batch (topic INTEGER NOT NULL, partition INTEGER NOT NULL, base_offset INTEGER NOT NULL, last_offset INTEGER NOT NULL, max_timestamp INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (topic, partition, base_offset))");
  raw.run("CREATE INDEX batch_max_timestamp ON batch (topic, partition, max_timestamp DESC, base_offset)");
  raw.run("CREATE TABLE record (topic INTEGER NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID");
  return raw;
}

async function sqlite(): Promise<void> {
  const rounds: (Round & { sinkS: number; pipelinedS: number; batches: number })[] = [];
  for (let round = 1; round <= ROUNDS; round++) rounds.push(await sqliteRound(round));
  const brokerS = summarise("SQLite", "raw same-shape inserts", rounds);
  clientBound("SQLite", rounds);
  summarise("SQLite, the same batches 8 in flight", "raw same-shape inserts", rounds.map((r) => ({ brokerS: r.pipelinedS, rawS: r.rawS })));

  const perBatch = Math.round(RECORDS / median(rounds.map((r) => r.batches)));
  const path = join(dir, "raw-rows.db");
  const raw = openRawSqlite(path);
  const value = new Uint8Array(RECORD_BYTES).fill(0x78);
  const insertRecord = raw.prepare("INSERT INTO record VALUES (1, 0, ?, ?)");
  const t0 = performance.now();
  for (let start = 0; start < RECORDS; start += perBatch) {
    raw.transaction(() => {
      for (let o = start; o < Math.min(RECORDS, start + perBatch); o++) insertRecord.run(o, value);
    }).immediate();
  }
  const rawRowsS = (performance.now() - t0) / 1000;
  raw.close();
  removeSqlite(path);
  say(`SQLite reference: raw prepared inserts, a row per record (${perBatch} a transaction): ${figure(rawRowsS)}; broker median ÷ it: ${(rawRowsS / brokerS).toFixed(2)}`);
}

type Sql = ReturnType<typeof postgres>;

async function copyIn(tx: Sql | postgres.TransactionSql, data: Uint8Array): Promise<void> {
  const stream = await tx.unsafe("copy raw_record from stdin (format binary)").writable();
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength), resolve);
  });
}

/** COPY binary chunks of `perBatch` 100-byte records, offsets from 0, as the broker would write them. */
function copyChunks(perBatch: number, topicId: string): Uint8Array[] {
  const value = new Uint8Array(RECORD_BYTES).fill(0x78);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < RECORDS; start += perBatch) {
    const rows: RecordRow[] = [];
    for (let o = 0; o < Math.min(perBatch, RECORDS - start); o++) rows.push({ offset: o, timestamp: 1_700_000_000_000, key: null, value, headers: null });
    const prepared = prepareCopyRows(0, rows);
    patchCopyRows(prepared, uuidBytes(topicId), start);
    chunks.push(prepared.data);
  }
  return chunks;
}

async function postgresRound(serverUrl: URL, round: number, last: boolean): Promise<Round & { sinkS: number; pipelinedS: number; oneCopyS: number | null }> {
  const admin = postgres(serverUrl.href, { max: 1, onnotice: () => {} });
  const database = `bench_${round}`;
  const pipelinedDatabase = `bench_${round}_pipelined`;
  await admin.unsafe(`create database ${database}`);
  await admin.unsafe(`create database ${pipelinedDatabase}`);
  const url = new URL(serverUrl.href);
  url.pathname = `/${database}`;
  const pipelinedUrl = new URL(serverUrl.href);
  pipelinedUrl.pathname = `/${pipelinedDatabase}`;
  try {
    const sinkS = await sinkProduce();
    const brokerS = await brokerProduce(url.href);
    const stored = await storedPostgresBatches(url);
    const pipelinedS = await brokerProduceBatches(pipelinedUrl.href, stored);
    const sql = postgres(url.href, { max: 1, onnotice: () => {} });
    const batches = stored.length;
    const perBatch = Math.round(RECORDS / batches);
    await sql.unsafe("create table raw_record (like tansu.record including all); create table raw_batch (like tansu.batch including all)").simple();
    const topicId = crypto.randomUUID();
    const chunks = copyChunks(perBatch, topicId);
    const t0 = performance.now();
    let base = 0;
    for (const chunk of chunks) {
      await sql.begin(async (tx) => {
        await copyIn(tx, chunk);
        await tx.unsafe("insert into raw_batch values ($1::uuid, 0, $2::bigint, $3::bigint, 0, -1, 0, 0, 0, 0, -1, -1, -1, 0, null)", [topicId, base, base + perBatch - 1]);
      });
      base += perBatch;
    }
    const rawS = (performance.now() - t0) / 1000;
    say(`PostgreSQL round ${round}: broker ${figure(brokerS)}, raw ${figure(rawS)}, ratio ${(rawS / brokerS).toFixed(2)}  (${batches} batches); kcat into a no-op sink ${figure(sinkS)}; the same batches 8 in flight ${figure(pipelinedS)}, ratio ${(rawS / pipelinedS).toFixed(2)}`);
    const oneCopyS = last ? await oneCopyReference(sql, chunks) : null;
    await sql.end();
    return { brokerS, rawS, sinkS, pipelinedS, oneCopyS };
  } finally {
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.unsafe(`drop database if exists ${pipelinedDatabase} with (force)`);
    await admin.end();
  }
}

/** The batches the broker stored in topic bench, as a fetch returns them (byte for byte as kcat sent them). */
async function storedPostgresBatches(url: URL): Promise<Uint8Array[]> {
  const engine = await openPostgresEngine(url, { maxConnections: 1 });
  try {
    const batches: Uint8Array[] = [];
    for (let offset = 0; offset < RECORDS; ) {
      const r = await engine.read("bench", 0, offset, 64 << 20);
      if (r.errorCode !== 0) throw new Error(`reading back the stored batches failed with error ${r.errorCode}`);
      for (const b of r.batches) batches.push(b.bytes.slice());
      offset = (r.batches.at(-1)?.lastOffset ?? offset) + 1;
    }
    return batches;
  } finally {
    await engine.close();
  }
}

/** Every row in one COPY and one transaction (the chunks' headers and trailers stripped but the first and last). */
async function oneCopyReference(sql: Sql, chunks: readonly Uint8Array[]): Promise<number> {
  await sql.unsafe("truncate raw_record");
  const all = Buffer.concat(chunks.map((c, i) => Buffer.from(i === 0 ? c.subarray(0, c.length - 2) : i === chunks.length - 1 ? c.subarray(19) : c.subarray(19, c.length - 2))));
  const t0 = performance.now();
  await sql.begin((tx) => copyIn(tx, all));
  return (performance.now() - t0) / 1000;
}

async function postgresql(): Promise<void> {
  const server = await startEmbeddedPostgres({ settings: { max_connections: "100" } });
  try {
    const rounds: (Round & { sinkS: number; pipelinedS: number; oneCopyS: number | null })[] = [];
    for (let round = 1; round <= ROUNDS; round++) rounds.push(await postgresRound(server.url, round, round === ROUNDS));
    const brokerS = summarise("PostgreSQL", "raw COPY per batch", rounds);
    clientBound("PostgreSQL", rounds);
    summarise("PostgreSQL, the same batches 8 in flight", "raw COPY per batch", rounds.map((r) => ({ brokerS: r.pipelinedS, rawS: r.rawS })));
    const oneCopyS = rounds.at(-1)?.oneCopyS ?? 0;
    say(`PostgreSQL reference: raw COPY of all rows in one transaction: ${figure(oneCopyS)}; broker median ÷ it: ${(oneCopyS / brokerS).toFixed(2)}`);
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
console.log(`${RECORDS.toLocaleString("en")} × ${RECORD_BYTES}-byte records, kcat (librdkafka, linger.ms=5, batch.size=1000000), one partition, loopback, ${ROUNDS} rounds`);
for (const line of lines) console.log(line);
