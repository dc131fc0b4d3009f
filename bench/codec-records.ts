// Record batch codec benchmark, run by hand: bun bench/codec-records.ts
// Prints throughput per operation, with a plain memory copy as the raw limit to compare against.

import { CODECS, compress, crc32c, decodeBatch, decompress, encodeBatch, type RecordInput } from "../src/protocol/records/index.ts";
import { xxhash32 } from "../src/protocol/records/compression/xxhash32.ts";

const encoder = new TextEncoder();
const events = ["page_view", "click", "add_to_cart", "purchase"];

/** ~100-byte JSON-ish values, like typical event records. */
function values(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    encoder.encode(
      JSON.stringify({
        id: 100000 + i,
        user: `user-${(i * 7919) % 1000}`,
        event: events[i % events.length],
        ts: 1_700_000_000_000 + i * 37,
        amount: ((i * 31) % 10000) / 100,
      }),
    ),
  );
}

function measure(run: () => unknown, minMs = 500): number {
  for (let i = 0; i < 20; i++) run();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 10; i++) run();
    ops += 10;
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000; // ops per second
}

const rows: string[][] = [["operation", "throughput", "vs memcpy", "rate", "notes"]];
let rawLimit = 0; // memcpy MB/s, the first row measured
function row(name: string, bytesPerOp: number, opsPerSecond: number, rate: string, notes = ""): void {
  const mbps = (bytesPerOp * opsPerSecond) / 1e6;
  rawLimit ||= mbps;
  const throughput = mbps >= 1000 ? `${(mbps / 1000).toFixed(2)} GB/s` : `${mbps.toFixed(0)} MB/s`;
  rows.push([name, throughput, `${((mbps / rawLimit) * 100).toFixed(1)}%`, rate, notes]);
}
const perSecond = (n: number, unit: string): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M ${unit}/s` : `${(n / 1e3).toFixed(1)} k ${unit}/s`);

const MiB = new Uint8Array(1 << 20);
for (let i = 0; i < MiB.length; i++) MiB[i] = (i * 2654435761) >>> 24;
const copyTarget = new Uint8Array(MiB.length);
row("memcpy 1 MiB (raw limit)", MiB.length, measure(() => copyTarget.set(MiB)), "");
row("crc32c 1 MiB", MiB.length, measure(() => crc32c(MiB)), "");
row("xxhash32 1 MiB", MiB.length, measure(() => xxhash32(MiB)), "");

const records: RecordInput[] = values(1000).map((value, i) => ({ key: encoder.encode(`user-${i % 1000}`), value, timestamp: 1_700_000_000_000 + i }));
const payloadBytes = records.reduce((n, r) => n + r.value!.length + r.key!.length, 0);
for (const codec of CODECS) {
  const batch = encodeBatch(records, { codec });
  const encodeOps = measure(() => encodeBatch(records, { codec }));
  row(`encodeBatch ${codec}`, payloadBytes, encodeOps, perSecond(encodeOps * records.length, "records"), `${records.length} records, ${payloadBytes} B of keys+values → ${batch.length} B batch`);
  const decodeOps = measure(() => decodeBatch(batch));
  row(`decodeBatch ${codec}`, payloadBytes, decodeOps, perSecond(decodeOps * records.length, "records"), "CRC check included");
}

const area = encodeBatch(records).subarray(61); // the records area a codec compresses
for (const codec of CODECS.filter((c) => c !== "none")) {
  const packed = compress(codec, area);
  const ratio = (area.length / packed.length).toFixed(2);
  row(`${codec} compress`, area.length, measure(() => compress(codec, area)), "", `${area.length} B records area → ${packed.length} B (×${ratio})`);
  row(`${codec} decompress`, area.length, measure(() => decompress(codec, packed)), "", "throughput of output bytes");
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`Bun ${Bun.version} ${process.arch}`);
for (const r of rows) console.log(r.map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
