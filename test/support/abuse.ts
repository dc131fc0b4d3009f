// Clients that misbehave on purpose, on raw sockets: a consumer that pipelines long-poll Fetches
// and never reads, and a probe that times an ApiVersions round trip on a fresh connection.

import { readFileSync } from "node:fs";
import { KafkaClient } from "../../src/client/client.ts";
import { produce } from "../../src/client/produce.ts";
import { encodeRequest } from "../../src/protocol/frame.ts";
import { ApiVersionsApi, defaultApiVersionsRequest, defaultFetchRequest, defaultFetchRequestFetchPartition, defaultFetchRequestFetchTopic, FetchApi } from "../../src/protocol/generated/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/** Fills partition 0 of `topic` with about `mib` MiB in batches of 1,000 records of 900 bytes. */
export async function fill(bootstrap: string, topic: string, mib: number): Promise<void> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    await client.metadata([topic], true);
    const value = new Uint8Array(900).fill(120);
    const batch = encodeBatch(Array.from({ length: 1000 }, () => ({ value })));
    const leader = (await client.metadata([topic])).brokers[0]!.nodeId;
    for (let i = 0; i < Math.ceil(mib / 0.9); i++) await produce(client, topic, [{ partition: 0, leader, records: batch }]);
  } finally {
    await client.close();
  }
}

/** Milliseconds for one ApiVersions round trip on a new connection, or null after `limitMs`. */
export async function apiVersionsMs(port: number, limitMs = 5000): Promise<number | null> {
  const t0 = performance.now();
  let answered!: () => void;
  const got = new Promise<void>((r) => (answered = r));
  const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data: () => answered() } });
  socket.write(encodeRequest(ApiVersionsApi, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: "probe" }, defaultApiVersionsRequest()));
  const ok = await Promise.race([got.then(() => true), Bun.sleep(limitMs).then(() => false)]);
  socket.end();
  return ok ? performance.now() - t0 : null;
}

/**
 * Sends `count` Fetch v4 requests for partition 0 of `topic` from offset 0 (maxWait 500 ms,
 * maxBytes 50 MB) on one connection that never reads, and closes it after `closeAfterMs`.
 */
export async function stalledConsumer(port: number, topic: string, count: number, closeAfterMs: number): Promise<void> {
  const fetch = defaultFetchRequest();
  fetch.maxWaitMs = 500;
  fetch.minBytes = 1;
  fetch.maxBytes = 50 << 20;
  fetch.topics = [{ ...defaultFetchRequestFetchTopic(), topic, partitions: [{ ...defaultFetchRequestFetchPartition(), partitionMaxBytes: 50 << 20 }] }];
  const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
  socket.pause();
  for (let i = 0; i < count; i++) socket.write(encodeRequest(FetchApi, { apiKey: 1, apiVersion: 4, correlationId: i + 1, clientId: "stalled" }, fetch));
  setTimeout(() => socket.terminate(), closeAfterMs);
}

/**
 * Samples the broker's RSS and an ApiVersions round trip every 250 ms for `ms`. A probe unanswered
 * for 5 s counts as a hang; how fast the others were is left to benchmarks (a loaded machine can
 * pause any process for a second).
 */
export async function watch(pid: number, port: number, ms: number): Promise<{ peakMiB: number; slowestMs: number; unanswered: number }> {
  let peakMiB = rssMiB(pid);
  let slowestMs = 0;
  let unanswered = 0;
  for (let t = 0; t < ms; t += 250) {
    await Bun.sleep(250);
    const took = await apiVersionsMs(port);
    if (took === null) unanswered++;
    else slowestMs = Math.max(slowestMs, took);
    peakMiB = Math.max(peakMiB, rssMiB(pid));
  }
  return { peakMiB, slowestMs, unanswered };
}
