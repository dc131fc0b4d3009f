// Codec benchmark (run by hand: bun bench/codec.ts). Decode+encode of a Produce request carrying
// 1,000 × 100-byte records and of the matching Fetch response, against a plain copy of the same
// bytes (the raw limit); then record batches, CRC-32C and compression (bench/codec-records.ts).

import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "../src/protocol/frame.ts";
import { apisByKey, FetchApi, type FetchResponse, ProduceApi, type ProduceRequest } from "../src/protocol/generated/index.ts";
import { Writer } from "../src/protocol/primitives.ts";
import { encodeBatch } from "../src/protocol/records/index.ts";

const value = new Uint8Array(100).map((_, i) => 97 + (i % 26));
const batch = encodeBatch(
  Array.from({ length: 1000 }, (_, i) => ({ key: new TextEncoder().encode(`key-${i}`), value, timestamp: 1_700_000_000_000 + i })),
  { codec: "none" },
);

const produce: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ name: "bench", partitionData: [{ index: 0, records: batch }] }],
};
const fetch: FetchResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  nodeEndpoints: [],
  responses: [
    {
      topic: "bench",
      topicId: "00000000-0000-0000-0000-000000000000",
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 1000n,
          lastStableOffset: 1000n,
          logStartOffset: 0n,
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: batch,
        },
      ],
    },
  ],
};

function measure(name: string, bytesPerOp: number, op: () => void): string {
  for (let i = 0; i < 500; i++) op();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1500) {
    for (let i = 0; i < 100; i++) op();
    n += 100;
  }
  const seconds = (performance.now() - start) / 1000;
  return `${name.padEnd(44)} ${(n / seconds).toFixed(0).padStart(9)} ops/s ${((n * bytesPerOp) / seconds / 1e6).toFixed(0).padStart(7)} MB/s`;
}

const w = new Writer(256 << 10);
const frame = encodeRequest(ProduceApi, { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: "bench" }, produce).slice();
const response = encodeResponse(FetchApi, 12, 1, fetch).slice();
const copy = new Uint8Array(frame.length);

console.log(`Produce request: ${frame.length} bytes; Fetch response: ${response.length} bytes (1,000 × 100-byte records)`);
const raw = measure("raw copy of the request bytes (limit)", frame.length, () => copy.set(frame));
console.log(raw);
console.log(
  measure("Produce v9 request decode + encode", frame.length, () => {
    const d = decodeRequest(frame.subarray(4), (k) => apisByKey.get(k));
    if (!d.ok) throw d.error;
    w.pos = 0;
    encodeRequest(ProduceApi, d.header, d.body as ProduceRequest, w);
  }),
);
console.log(
  measure("Fetch v12 response decode + encode", response.length, () => {
    const d = decodeResponse(FetchApi, 12, response.subarray(4));
    if (!d.ok) throw d.error;
    w.pos = 0;
    encodeResponse(FetchApi, 12, 1, d.body, w);
  }),
);

await import("./codec-records.ts");
