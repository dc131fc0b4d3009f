// Export lag under a steady load: a producer paced in batches (batch k is sent at k × batch/rate
// seconds, at once when late; up to MAX_IN_FLIGHT unanswered) into partition 0 of an Iceberg lake
// topic, and every sampleMs the high watermark (ListOffsets) next to the table's bookmark.
// Rows behind = high watermark − (bookmark + 1); seconds behind = how long ago the first record
// the table lacks was sent (0 when it lacks none): what a reader of the table waits, counted from
// the producer, so stalls of the broker's produce path count too.

import { join } from "node:path";
import { KafkaClient, LATEST_TIMESTAMP, listOffsets, produce, topicPartitions } from "../../src/client/index.ts";
import { batches, keyValues } from "./lake-records.ts";
import { icebergBookmark } from "./lake-tables.ts";

const MAX_IN_FLIGHT = 64;
/** Distinct batches sent over and over: the table's contents do not matter here, the pace does. */
const POOL_BATCHES = 100;
const CATCH_UP_LIMIT_MS = 60_000;

export interface LagOptions {
  readonly bootstrap: string;
  readonly lake: string;
  readonly topic: string;
  readonly rate: number;
  readonly perBatch: number;
  readonly seconds: number;
  readonly sampleMs: number;
  /** Called at each sample, e.g. to read the broker's memory. */
  readonly onSample?: () => void;
}

export interface LagResult {
  readonly records: number;
  /** Records acknowledged ÷ seconds from the first send to the last acknowledgement. */
  readonly achievedRate: number;
  readonly samples: readonly { readonly rows: number; readonly seconds: number }[];
  /** From the last acknowledgement until the table's bookmark reached the end of the log. */
  readonly catchUpSeconds: number;
  /** Metadata versions of the table at the end (one per export commit). */
  readonly commits: number;
  /** Each batch's ms from send to acknowledgement: the broker's produce path while it exports. */
  readonly ackMs: readonly number[];
}

export async function measureLag(o: LagOptions): Promise<LagResult> {
  const table = join(o.lake, "iceberg", o.topic);
  const pool = batches(keyValues(0, POOL_BATCHES * o.perBatch), o.perBatch);
  const [producer, sampler] = [await KafkaClient.connect(o.bootstrap), await KafkaClient.connect(o.bootstrap)];
  try {
    const leader = (await topicPartitions(producer, o.topic)).partitions[0]!.leader;
    await topicPartitions(sampler, o.topic);
    const total = Math.round((o.rate * o.seconds) / o.perBatch);
    const sentAt = new Float64Array(total).fill(NaN);
    const ackedAt = new Float64Array(total).fill(NaN);
    const intervalMs = (o.perBatch / o.rate) * 1000;
    const t0 = performance.now();
    let producing = true;

    const send = async (k: number) => {
      sentAt[k] = performance.now();
      const base = (await produce(producer, o.topic, [{ partition: 0, leader, records: pool[k % POOL_BATCHES]! }])).get(0);
      if (base !== BigInt(k * o.perBatch)) throw new Error(`batch ${k} got base offset ${base}, expected ${k * o.perBatch}`);
      ackedAt[k] = performance.now();
    };
    const producing$ = (async () => {
      const inFlight = new Set<Promise<void>>();
      for (let k = 0; k < total; k++) {
        const wait = t0 + k * intervalMs - performance.now();
        if (wait > 0) await Bun.sleep(wait);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
        const p = send(k).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
      producing = false;
    })();

    const behind = async () => {
      const hwm = Number((await listOffsets(sampler, o.topic, [{ partition: 0, leader }], LATEST_TIMESTAMP)).get(0) ?? 0n);
      const next = ((await icebergBookmark(table))?.offsets.get(0) ?? -1) + 1;
      const sent = sentAt[Math.floor(next / o.perBatch)] ?? NaN;
      return { rows: hwm - next, seconds: hwm > next && !Number.isNaN(sent) ? (performance.now() - sent) / 1000 : 0, next };
    };
    const samples: { rows: number; seconds: number }[] = [];
    const sampling$ = (async () => {
      for (let s = 1; producing; s++) {
        await Bun.sleep(Math.max(0, t0 + s * o.sampleMs - performance.now()));
        if (!producing) break;
        const { rows, seconds } = await behind();
        samples.push({ rows, seconds });
        o.onSample?.();
      }
    })();
    await Promise.all([producing$, sampling$]);

    const records = total * o.perBatch;
    const lastAck = ackedAt.reduce((a, b) => Math.max(a, b), 0);
    while ((await behind()).next < records) {
      if (performance.now() - lastAck > CATCH_UP_LIMIT_MS) throw new Error(`the Iceberg table did not reach offset ${records} within ${CATCH_UP_LIMIT_MS / 1000} s of the last record`);
      await Bun.sleep(20);
    }
    const catchUpSeconds = (performance.now() - lastAck) / 1000;
    return { records, achievedRate: records / ((lastAck - t0) / 1000), samples, catchUpSeconds, commits: (await icebergBookmark(table))?.version ?? 0, ackMs: Array.from(ackedAt, (at, k) => at - sentAt[k]!) };
  } finally {
    await Promise.all([producer.close(), sampler.close()]);
  }
}
