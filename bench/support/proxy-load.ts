// The load of bench/proxy.ts: the project's client producing one ready-made batch per request to
// partition 0 of a topic (acks all, the client's one connection to the partition's leader), either
// on a schedule — request k at k × batch ÷ rate seconds, whether or not earlier ones were answered:
// a fixed offered load — or at full speed, with a window of requests in flight. A request's latency
// runs from its send to its answer. The first `warmupSeconds` are sent but not counted.

import { connect, type PartitionBatch, produce, topicPartitions } from "../../src/client/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";

export interface Load {
  topic: string;
  /** Records per second offered; null: full speed. */
  rate: number | null;
  /** Requests in flight at full speed. */
  window: number;
  recordsPerRequest: number;
  recordBytes: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  /** Records acknowledged during the measured seconds, per second. */
  recordsPerSec: number;
  /** Nearest-rank percentiles of the latency of requests sent during the measured seconds. */
  p50Ms: number;
  p99Ms: number;
}

interface Window {
  start: number;
  /** Measuring starts here. */
  from: number;
  end: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))]!;

export async function runLoad(bootstrap: string, load: Load): Promise<LoadResult> {
  const client = await connect(bootstrap, { clientId: "bench-proxy" });
  try {
    const leader = (await topicPartitions(client, load.topic)).partitions[0]?.leader;
    if (leader === undefined) throw new Error(`topic ${load.topic} has no partition 0`);
    const value = new Uint8Array(load.recordBytes).fill(0x78);
    const batches: PartitionBatch[] = [{ partition: 0, leader, records: encodeBatch(Array.from({ length: load.recordsPerRequest }, () => ({ key: null, value }))) }];
    const start = performance.now();
    const from = start + load.warmupSeconds * 1000;
    const window: Window = { start, from, end: from + load.seconds * 1000 };
    const latencies: number[] = [];
    let acknowledged = 0;
    const send = async () => {
      const sentAt = performance.now();
      await produce(client, load.topic, batches);
      const answeredAt = performance.now();
      if (sentAt >= window.from && sentAt < window.end) latencies.push(answeredAt - sentAt);
      if (answeredAt >= window.from && answeredAt < window.end) acknowledged += load.recordsPerRequest;
    };
    await (load.rate === null ? fullSpeed(send, load.window, window) : paced(send, (1000 * load.recordsPerRequest) / load.rate, window));
    if (latencies.length === 0) throw new Error(`no request to ${bootstrap} was sent and answered in the measured ${load.seconds} s`);
    latencies.sort((a, b) => a - b);
    return { recordsPerSec: acknowledged / load.seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await client.close();
  }
}

/** Keeps `inFlight` requests going until the end; resolves once the last is answered. */
function fullSpeed(send: () => Promise<void>, inFlight: number, { end }: Window): Promise<void> {
  return new Promise((resolve, reject) => {
    let going = 0;
    const fill = () => {
      while (going < inFlight && performance.now() < end) {
        going++;
        send().then(() => {
          going--;
          fill();
        }, reject);
      }
      if (going === 0) resolve();
    };
    fill();
  });
}

/** Sends a request every `intervalMs` (those that fell due during a late wake-up at once); resolves once all are answered. */
async function paced(send: () => Promise<void>, intervalMs: number, { start, end }: Window): Promise<void> {
  const outcomes: Promise<unknown>[] = [];
  for (let k = 0; start + k * intervalMs < end; k++) {
    const wait = start + k * intervalMs - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    outcomes.push(send().then(() => null, (e: unknown) => e ?? new Error("produce failed")));
  }
  const failure = (await Promise.all(outcomes)).find((e) => e !== null);
  if (failure !== undefined) throw failure;
}
