// Topics into open tables (run by hand: bun bench/lake.ts [records] [rounds]; defaults 200,000, 3).
// Records are Avro (support/lake-records.ts: a string key and an Event value, ~100 bytes together)
// with the schema in a file registry; every broker runs on the memory engine with --lake-url on a
// fresh directory and --lake-check-interval-ms 100, and is started anew for each run.
//
// 1. Rows/s into Parquet through a sink topic (tansu.lake.format=parquet, tansu.lake.sink=true,
//    flush.rows SINK.flushRows, flush.ms SINK.flushMs): the project's client produces the records in
//    batches of 1,000 with SINK.inFlight requests in flight (acks all), each acknowledged only once
//    the table holds it, so the time from the first Produce to the last acknowledgement is the time
//    to land every row; the partition's Parquet files are then checked to hold each offset once.
//    The peer: the same keys and values decoded into rows (tableSchema, toRow) and written with
//    writeParquet to one file, in this process. Rounds alternate which goes first; medians, and the
//    broker's rows/s ÷ the peer's in the same round.
// 2. Export lag: 50,000 records/s (500 every 10 ms) for 20 s into an Iceberg topic with
//    tansu.lake.flush.ms=1000; every 500 ms the high watermark next to the table's bookmark (the
//    current snapshot's tansu.offset.0), as rows and seconds behind (support/lake-lag.ts). Once.
// 3. The broker's memory (/proc/<pid>/status): VmRSS and VmHWM idle after the topic was created,
//    and VmHWM (the peak) once the export is done; medians for part 1.
// The bench, the client and the broker share the machine's cores.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KafkaClient, produce, topicPartitions } from "../src/client/index.ts";
import { cpuSeconds } from "./support/server.ts";
import { type Memory, memory, startLakeBroker } from "./support/lake-broker.ts";
import { writeDirect } from "./support/lake-direct.ts";
import { measureLag } from "./support/lake-lag.ts";
import { batches, type KeyValue, keyValues, meanBytes, SCHEMA_TEXT } from "./support/lake-records.ts";
import { ParquetPartition } from "./support/lake-tables.ts";

const RECORDS = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 3);
if (!Number.isInteger(RECORDS) || RECORDS < 1000) throw new Error(`records ${process.argv[2]}: expected an integer of at least 1000`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`rounds ${process.argv[3]}: expected a positive integer`);
const PER_REQUEST = 1000;
const SINK = { inFlight: 64, flushRows: 50_000, flushMs: 250 };
const LAG = { rate: 50_000, perBatch: 500, seconds: 20, sampleMs: 500, flushMs: 1000 };

const dir = mkdtempSync(join(tmpdir(), "tansu-bench-lake-"));
const records = keyValues(0, RECORDS);
const frames = batches(records, PER_REQUEST);

interface BrokerRun {
  seconds: number;
  cpuS: number;
  files: number;
  idle: Memory;
  peakMiB: number;
}

async function throughBroker(): Promise<BrokerRun> {
  const configs = { "tansu.lake.format": "parquet", "tansu.lake.sink": "true", "tansu.lake.flush.rows": SINK.flushRows, "tansu.lake.flush.ms": SINK.flushMs };
  const broker = await startLakeBroker(join(dir, "broker"), "bench", configs, Math.max(32 << 20, SINK.flushRows * 256));
  const client = await KafkaClient.connect(broker.bootstrap);
  try {
    const leader = (await topicPartitions(client, "bench")).partitions[0]!.leader;
    const files = new ParquetPartition(join(broker.lake, "parquet", "bench", "0"));
    await Bun.sleep(500);
    const idle = memory(broker.server.pid);
    const cpu0 = cpuSeconds(broker.server.pid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: SINK.inFlight }, async () => {
      while (next < frames.length) await produce(client, "bench", [{ partition: 0, leader, records: frames[next++]! }]);
    }));
    const t1 = performance.now();
    const cpuS = cpuSeconds(broker.server.pid) - cpu0;
    const ranges = await files.files();
    let expected = 0;
    for (const f of ranges) {
      if (f.firstOffset !== expected || f.rows !== f.lastOffset - f.firstOffset + 1) throw new Error(`Parquet files out of order: ${JSON.stringify(ranges)}`);
      expected = f.lastOffset + 1;
    }
    if (expected !== RECORDS) throw new Error(`the Parquet files end at offset ${expected}, expected ${RECORDS}`);
    return { seconds: (t1 - t0) / 1000, cpuS, files: ranges.length, idle, peakMiB: memory(broker.server.pid).hwmMiB };
  } finally {
    await client.close();
    await broker.stop();
  }
}

async function direct(input: readonly KeyValue[]): Promise<number> {
  const out = mkdtempSync(join(dir, "direct-"));
  const run = await writeDirect(SCHEMA_TEXT, input, Date.now(), out);
  if (run.rows !== input.length) throw new Error(`writeParquet wrote ${run.rows} rows of ${input.length}`);
  rmSync(out, { recursive: true, force: true });
  return run.seconds;
}

async function exportLag() {
  const broker = await startLakeBroker(join(dir, "lag"), "lag", { "tansu.lake.format": "iceberg", "tansu.lake.flush.ms": LAG.flushMs }, 32 << 20);
  try {
    await Bun.sleep(500);
    const idle = memory(broker.server.pid);
    let peakRssMiB = 0;
    const onSample = () => void (peakRssMiB = Math.max(peakRssMiB, memory(broker.server.pid).rssMiB));
    const lag = await measureLag({ ...LAG, bootstrap: broker.bootstrap, lake: broker.lake, topic: "lag", onSample });
    return { lag, idle, peakMiB: memory(broker.server.pid).hwmMiB, peakRssMiB };
  } finally {
    await broker.stop();
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
const loadAtStart = load();
const fixed = (x: number, d = 0) => x.toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (x: number) => `${x.toFixed(1)} MiB`;

try {
  const brokerRuns: BrokerRun[] = [];
  const directRuns: number[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    const order = n % 2 === 1 ? ["broker", "direct"] : ["direct", "broker"];
    for (const which of order) {
      if (which === "broker") {
        const r = await throughBroker();
        brokerRuns.push(r);
        console.error(`round ${n} broker: ${fixed(RECORDS / r.seconds)} rows/s (${r.seconds.toFixed(2)} s, ${r.files} files), CPU ${r.cpuS.toFixed(2)} s, peak ${mib(r.peakMiB)}`);
      } else {
        const s = await direct(records);
        directRuns.push(s);
        console.error(`round ${n} direct: ${fixed(RECORDS / s)} rows/s (${s.toFixed(2)} s)`);
      }
    }
  }

  const { lag, idle: lagIdle, peakMiB: lagPeak, peakRssMiB: lagPeakRss } = await exportLag();

  const rate = (s: number) => RECORDS / s;
  const ratios = brokerRuns.map((r, i) => rate(r.seconds) / rate(directRuns[i]!));
  const rows = lag.samples.map((s) => s.rows);
  const secs = lag.samples.map((s) => s.seconds);
  const col = (s: string, n: number) => s.padStart(n);
  console.log([
    `${fixed(RECORDS)} Avro records of ${meanBytes(records).toFixed(0)} bytes (key + value), memory engine, loopback; ${ROUNDS} round${ROUNDS === 1 ? "" : "s"}, peer first and last in turn, medians`,
    `load average (1 min) ${loadAtStart} at the start, ${load()} at the end, on ${navigator.hardwareConcurrency} cores`,
    "",
    `1. into Parquet${" ".repeat(34)}${col("rows/s", 10)}${col("s", 7)}${col("× direct", 10)}  (rounds)`,
    `  writeParquet in process (direct)${" ".repeat(16)}${col(fixed(rate(median(directRuns))), 10)}${col(median(directRuns).toFixed(2), 7)}`,
    `  broker, parquet sink topic${" ".repeat(22)}${col(fixed(median(brokerRuns.map((r) => rate(r.seconds)))), 10)}${col(median(brokerRuns.map((r) => r.seconds)).toFixed(2), 7)}${col(median(ratios).toFixed(2), 10)}  (${ratios.map((x) => x.toFixed(2)).join(" ")})`,
    `    ${SINK.inFlight} produce requests of ${PER_REQUEST} in flight, flush.rows ${fixed(SINK.flushRows)}, flush.ms ${SINK.flushMs}; ${median(brokerRuns.map((r) => r.files))} files; broker CPU ${median(brokerRuns.map((r) => r.cpuS)).toFixed(2)} s`,
    "",
    `2. export lag, iceberg, flush.ms ${LAG.flushMs}, ${fixed(lag.achievedRate)} records/s achieved (asked ${fixed(LAG.rate)}) for ${LAG.seconds} s, ${lag.samples.length} samples`,
    `  rows behind     median ${col(fixed(median(rows)), 8)}  max ${col(fixed(Math.max(...rows)), 8)}`,
    `  seconds behind  median ${col(median(secs).toFixed(2), 8)}  max ${col(Math.max(...secs).toFixed(2), 8)}`,
    `  ${lag.commits} table commits; the table held every record ${lag.catchUpSeconds.toFixed(2)} s after the last acknowledgement`,
    `  produce send → acknowledgement meanwhile: median ${median(lag.ackMs).toFixed(1)} ms, max ${Math.max(...lag.ackMs).toFixed(0)} ms`,
    "",
    `3. broker memory      idle VmRSS   idle VmHWM   peak VmHWM${" ".repeat(3)}(peak VmRSS sampled)`,
    `  1. parquet sink     ${col(mib(median(brokerRuns.map((r) => r.idle.rssMiB))), 11)}  ${col(mib(median(brokerRuns.map((r) => r.idle.hwmMiB))), 11)}  ${col(mib(median(brokerRuns.map((r) => r.peakMiB))), 11)}`,
    `  2. iceberg, lag     ${col(mib(lagIdle.rssMiB), 11)}  ${col(mib(lagIdle.hwmMiB), 11)}  ${col(mib(lagPeak), 11)}   (${mib(lagPeakRss)})`,
  ].join("\n"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
