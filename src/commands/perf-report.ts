// What `tansu perf` reports: a progress line a second on stderr when stderr is a terminal, then one
// summary on stdout, a human line or (--json) one JSON object. MB is 2^20 bytes, as Kafka's perf
// tools count it; bytes are the records' keys and values.

import { Histogram } from "./perf-histogram.ts";

const MB = 1024 * 1024;
const PROGRESS_MS = 1000;

const fetches = (n: number) => `${n} fetch${n === 1 ? "" : "es"}`;
const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

export interface Rates {
  records: number;
  bytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  mbPerSec: number;
}

export interface ProduceSummary extends Rates {
  /** From a record's append to its acknowledgement (acks=0: to its request being written). */
  latencyMs: { avg: number; p50: number; p95: number; p99: number; p999: number; max: number };
}

export interface ConsumeSummary extends Rates {
  fetches: number;
}

export function rates(records: number, bytes: number, elapsedMs: number): Rates {
  const seconds = elapsedMs / 1000;
  return {
    records,
    bytes,
    elapsedMs: round(elapsedMs),
    recordsPerSec: seconds > 0 ? round(records / seconds) : 0,
    mbPerSec: seconds > 0 ? round(bytes / MB / seconds) : 0,
  };
}

/** Everything a produce run counts; latencies in microseconds. */
export class ProduceStats {
  readonly latency = new Histogram();
  records = 0;
  private window = { records: 0, latencySum: 0, latencyMax: 0 };

  constructor(private readonly recordBytes: number) {}

  acknowledged(appendedAt: readonly number[], now: number): void {
    for (const at of appendedAt) {
      const us = (now - at) * 1000;
      this.latency.record(us);
      this.window.latencySum += us;
      if (us > this.window.latencyMax) this.window.latencyMax = us;
    }
    this.records += appendedAt.length;
    this.window.records += appendedAt.length;
  }

  /** The line for the records acknowledged since the last one, over `elapsedMs`. */
  progressLine(elapsedMs: number): string {
    const w = this.window;
    this.window = { records: 0, latencySum: 0, latencyMax: 0 };
    const r = rates(w.records, w.records * this.recordBytes, elapsedMs);
    const avg = w.records === 0 ? 0 : w.latencySum / w.records / 1000;
    return `${w.records} records sent, ${r.recordsPerSec.toFixed(1)} records/s (${r.mbPerSec.toFixed(2)} MB/s), ${avg.toFixed(1)} ms avg latency, ${(w.latencyMax / 1000).toFixed(1)} ms max latency`;
  }

  summary(elapsedMs: number): ProduceSummary {
    const ms = (us: number) => round(us / 1000);
    const h = this.latency;
    return {
      ...rates(this.records, this.records * this.recordBytes, elapsedMs),
      latencyMs: { avg: ms(h.mean()), p50: ms(h.percentile(50)), p95: ms(h.percentile(95)), p99: ms(h.percentile(99)), p999: ms(h.percentile(99.9)), max: ms(h.max) },
    };
  }
}

/** Everything a consume run counts. */
export class ConsumeStats {
  records = 0;
  bytes = 0;
  fetches = 0;
  private window = { records: 0, bytes: 0, fetches: 0 };

  fetched(records: number, bytes: number, requests: number): void {
    this.records += records;
    this.bytes += bytes;
    this.fetches += requests;
    this.window.records += records;
    this.window.bytes += bytes;
    this.window.fetches += requests;
  }

  progressLine(elapsedMs: number): string {
    const w = this.window;
    this.window = { records: 0, bytes: 0, fetches: 0 };
    const r = rates(w.records, w.bytes, elapsedMs);
    return `${w.records} records consumed, ${r.recordsPerSec.toFixed(1)} records/s (${r.mbPerSec.toFixed(2)} MB/s), ${fetches(w.fetches)}`;
  }

  summary(elapsedMs: number): ConsumeSummary {
    return { ...rates(this.records, this.bytes, elapsedMs), fetches: this.fetches };
  }
}

export function formatProduce(s: ProduceSummary, json: boolean): string {
  if (json) return JSON.stringify(s);
  const l = s.latencyMs;
  return `${s.records} records sent in ${(s.elapsedMs / 1000).toFixed(2)} s, ${s.recordsPerSec.toFixed(1)} records/s (${s.mbPerSec.toFixed(2)} MB/s); latency ms: avg ${l.avg.toFixed(2)}, p50 ${l.p50.toFixed(2)}, p95 ${l.p95.toFixed(2)}, p99 ${l.p99.toFixed(2)}, p99.9 ${l.p999.toFixed(2)}, max ${l.max.toFixed(2)}`;
}

export function formatConsume(s: ConsumeSummary, json: boolean): string {
  if (json) return JSON.stringify(s);
  return `${s.records} records consumed in ${(s.elapsedMs / 1000).toFixed(2)} s, ${s.recordsPerSec.toFixed(1)} records/s (${s.mbPerSec.toFixed(2)} MB/s), ${fetches(s.fetches)}`;
}

/** Prints `line(ms since the last line)` on stderr every second while stderr is a terminal; returns the stop. */
export function progress(line: (elapsedMs: number) => string): () => void {
  if (process.stderr.isTTY !== true) return () => {};
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    process.stderr.write(`${line(now - last)}\n`);
    last = now;
  }, PROGRESS_MS);
  return () => clearInterval(timer);
}
