// `tansu perf`'s pure parts: the latency histogram and its percentiles, the token bucket that
// paces sends, the summaries, and the flags.

import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config.ts";
import { consumeSettings, DEFAULT_PRODUCE_DURATION_MS, produceSettings } from "../../src/commands/perf-args.ts";
import { bucketIndex, bucketRange, Histogram } from "../../src/commands/perf-histogram.ts";
import { BURST_MS, TokenBucket } from "../../src/commands/perf-pacer.ts";
import { ConsumeStats, formatConsume, formatProduce, ProduceStats, rates } from "../../src/commands/perf-report.ts";

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function exactPercentile(sorted: readonly number[], percent: number): number {
  return sorted[Math.max(1, Math.ceil((percent / 100) * sorted.length)) - 1]!;
}

describe("Histogram", () => {
  test("buckets tile the integers: each value falls in the range of its own bucket, in order", () => {
    let previous = -1;
    for (const v of [0, 1, 127, 128, 129, 255, 256, 1000, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 12_345, 2 ** 39 + 1]) {
      const index = bucketIndex(v);
      const { low, width } = bucketRange(index);
      expect(v).toBeGreaterThanOrEqual(low);
      expect(v).toBeLessThan(low + width);
      expect(index).toBeGreaterThanOrEqual(previous);
      previous = index;
    }
    for (let i = 0; i < 2000; i++) expect(bucketRange(i + 1).low).toBe(bucketRange(i).low + bucketRange(i).width);
  });

  test("small values are exact", () => {
    const h = new Histogram();
    for (const v of [5, 1, 3, 2, 4, 100, 0, 127, 127, 50]) h.record(v);
    expect([h.count, h.min, h.max, h.sum]).toEqual([10, 0, 127, 419]);
    expect(h.mean()).toBe(41.9);
    expect(h.percentile(50)).toBe(4);
    expect(h.percentile(10)).toBe(0);
    expect(h.percentile(80)).toBe(100);
    expect(h.percentile(100)).toBe(127);
  });

  test("percentiles of a wide spread are within 1% of the exact ones, and ordered", () => {
    const next = random(7);
    const h = new Histogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // log-uniform from 1 µs to about 17 minutes
      const v = Math.round(Math.exp(next() * Math.log(1e9)));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    const percents = [1, 10, 50, 90, 95, 99, 99.9, 99.99];
    for (const p of percents) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(h.percentile(p) - exact)).toBeLessThanOrEqual(exact * 0.01);
    }
    const got = percents.map((p) => h.percentile(p));
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(h.max).toBe(values.at(-1)!);
    expect(h.percentile(100)).toBeLessThanOrEqual(h.max);
  });

  test("values past the last bucket keep the exact maximum; negatives count as 0; empty is 0", () => {
    const empty = new Histogram();
    expect([empty.percentile(99), empty.mean(), empty.max]).toEqual([0, 0, 0]);
    const h = new Histogram();
    h.record(2 ** 45);
    h.record(-3);
    expect(h.max).toBe(2 ** 45);
    expect(h.min).toBe(0);
    expect(h.percentile(100)).toBeLessThanOrEqual(2 ** 45);
    expect(h.percentile(100)).toBeGreaterThan(2 ** 39);
  });
});

describe("TokenBucket", () => {
  /** Simulates a sender that sleeps as asked, each sleep overshooting by `lateMs` (a coarse timer). */
  function simulate(rate: number, seconds: number, lateMs: number): number {
    let now = 1000;
    const bucket = TokenBucket.forRate(rate, now);
    const end = now + seconds * 1000;
    let sent = 0;
    while (now < end) {
      const n = bucket.take(now, 1000);
      sent += n;
      if (n === 0) now += Math.max(1, bucket.waitMs(now)) + lateMs;
    }
    return sent;
  }

  test.each([
    [10, 0],
    [1000, 0],
    [1000, 3],
    [50_000, 0],
    [50_000, 7],
  ])("paces %p records/s to within 1%% over 20 s with sleeps %p ms late", (rate, lateMs) => {
    const sent = simulate(rate, 20, lateMs);
    expect(Math.abs(sent - rate * 20)).toBeLessThanOrEqual(Math.max(1, rate * 20 * 0.01));
  });

  test("the first record goes at once; the next waits 1/rate", () => {
    const bucket = TokenBucket.forRate(4, 0);
    expect(bucket.take(0, 10)).toBe(1);
    expect(bucket.waitMs(0)).toBe(250);
    expect(bucket.take(100, 10)).toBe(0);
    expect(bucket.waitMs(100)).toBeCloseTo(150, 9);
    expect(bucket.take(250, 10)).toBe(1);
  });

  test("after a stall the burst is bounded by the capacity", () => {
    const rate = 10_000;
    const bucket = TokenBucket.forRate(rate, 0);
    bucket.take(0, 1);
    expect(bucket.take(60_000, Number.MAX_SAFE_INTEGER)).toBe((rate * BURST_MS) / 1000);
    expect(bucket.take(60_000, 1)).toBe(0);
    expect(bucket.waitMs(60_000)).toBeCloseTo(0.1, 9);
  });

  test("a slow rate holds one record at most", () => {
    const bucket = TokenBucket.forRate(1, 0);
    bucket.take(0, 1);
    expect(bucket.take(10_000, 5)).toBe(1);
    expect(bucket.waitMs(10_000)).toBe(1000);
  });
});

describe("summaries", () => {
  test("rates are per second, MB is 2^20 bytes; no time means no rate", () => {
    expect(rates(3000, 3 * 1024 * 1024, 1500)).toEqual({ records: 3000, bytes: 3 * 1024 * 1024, elapsedMs: 1500, recordsPerSec: 2000, mbPerSec: 2 });
    expect(rates(0, 0, 0)).toMatchObject({ recordsPerSec: 0, mbPerSec: 0 });
  });

  test("produce: latencies from append to acknowledgement, in ms", () => {
    const stats = new ProduceStats(100);
    stats.acknowledged([10, 11, 12, 13], 20);
    stats.acknowledged([30], 31);
    const s = stats.summary(2000);
    expect(s).toMatchObject({ records: 5, bytes: 500, recordsPerSec: 2.5 });
    // 8 ms = 8000 µs lies in a bucket 64 µs wide, so p50 is its midpoint; the others are the exact max
    const { p50, ...rest } = s.latencyMs;
    expect(Math.abs(p50 - 8)).toBeLessThanOrEqual(0.08);
    expect(rest).toEqual({ avg: 7, p95: 10, p99: 10, p999: 10, max: 10 });
    expect(stats.progressLine(1000)).toBe("5 records sent, 5.0 records/s (0.00 MB/s), 7.0 ms avg latency, 10.0 ms max latency");
    expect(stats.progressLine(1000)).toBe("0 records sent, 0.0 records/s (0.00 MB/s), 0.0 ms avg latency, 0.0 ms max latency");
    expect(formatProduce(s, false)).toBe("5 records sent in 2.00 s, 2.5 records/s (0.00 MB/s); latency ms: avg 7.00, p50 8.03, p95 10.00, p99 10.00, p99.9 10.00, max 10.00");
    expect(JSON.parse(formatProduce(s, true))).toEqual(s);
  });

  test("consume: records, bytes and fetches", () => {
    const stats = new ConsumeStats();
    stats.fetched(1024, 1024 * 1024, 1);
    stats.fetched(0, 0, 2);
    const s = stats.summary(500);
    expect(s).toEqual({ records: 1024, bytes: 1024 * 1024, elapsedMs: 500, recordsPerSec: 2048, mbPerSec: 2, fetches: 3 });
    expect(formatConsume(s, false)).toBe("1024 records consumed in 0.50 s, 2048.0 records/s (2.00 MB/s), 3 fetches");
    expect(JSON.parse(formatConsume(s, true))).toEqual(s);
  });
});

describe("flags", () => {
  test("produce defaults", () => {
    const s = produceSettings(["--topic", "t"], {});
    expect(s).toMatchObject({ topic: "t", recordSize: 100, numRecords: null, durationMs: DEFAULT_PRODUCE_DURATION_MS, throughput: null, acks: -1, compression: "none", batchSize: 16_384, lingerMs: 5, partitions: null, producers: 1, idempotent: false, json: false });
    expect(s.target.bootstrap).toEqual([{ host: "localhost", port: 9092 }]);
  });

  test("produce with every flag", () => {
    const s = produceSettings(["--topic=t", "--record-size", "10", "--num-records", "7", "--throughput", "500", "--acks", "-1", "--compression", "ZSTD", "--batch-size", "1000", "--linger-ms", "0", "--partitions", "2", "--producers", "3", "--idempotent", "--json", "--bootstrap-server", "h:1"], {});
    expect(s).toMatchObject({ recordSize: 10, numRecords: 7, durationMs: null, throughput: 500, acks: -1, compression: "zstd", batchSize: 1000, lingerMs: 0, partitions: 2, producers: 3, idempotent: true, json: true });
    expect(s.target.bootstrap).toEqual([{ host: "h", port: 1 }]);
  });

  test("consume defaults run to the end of the topic", () => {
    expect(consumeSettings(["--topic", "t", "--consumers", "2"], { BOOTSTRAP_SERVERS: "b:2" })).toMatchObject({ numRecords: null, durationMs: null, consumers: 2, fetchMaxBytes: 50 << 20, timeoutMs: 10_000, target: { bootstrap: [{ host: "b", port: 2 }] } });
  });

  test.each([
    [["--num-records", "1"], "perf produce: --topic is required"],
    [["--topic", "t", "--acks", "all"], '--acks: expected -1, 0, 1, got "all"'],
    [["--topic", "t", "--throughput", "-2"], "--throughput: -2 is outside -1..9007199254740991"],
    [["--topic", "t", "--idempotent", "--acks", "0"], "--idempotent needs --acks -1 (got --acks 0)"],
    [["--topic", "t", "--duration-ms", "5", "--num-records", "5"], "perf produce: --num-records and --duration-ms: give one, not both"],
    [["--topic", "t", "--fetch-max-bytes", "5"], "unknown flag --fetch-max-bytes"],
  ])("produce %p is refused: %s", (args, message) => {
    expect(() => produceSettings(args, {})).toThrow(new ConfigError(message));
  });
});
