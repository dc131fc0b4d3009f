// The raw limit for produce/consume benchmarks: a trivial Kafka endpoint that answers just enough
// for kcat (ApiVersions, Metadata, Produce, ListOffsets, Fetch) with no validation and no storage
// engine — batches are kept in an array per partition, offsets assigned by a counter. Every topic
// asked for exists with `partitions` partitions (a Metadata for all topics lists just "bench").
// Run: bun bench/support/sink.ts [port] [partitions]

import { decodeRequest, encodeResponse } from "../../src/protocol/frame.ts";
import {
  ApiVersionsApi,
  apisByKey,
  FetchApi,
  type FetchRequest,
  ListOffsetsApi,
  type ListOffsetsRequest,
  MetadataApi,
  type MetadataRequest,
  ProduceApi,
  type ProduceRequest,
} from "../../src/protocol/generated/index.ts";
import { setBaseOffset, splitBatches } from "../../src/protocol/records/index.ts";
import { serveFrames } from "./frame-server.ts";

interface Log {
  batches: { base: number; bytes: Uint8Array }[];
  next: number;
}

export function startSink(port = 0, partitions = 1): { port: number; stop(): void } {
  const logs = new Map<string, Log>();
  const log = (t: string, p: number) => {
    const k = `${t}/${p}`;
    let l = logs.get(k);
    if (l === undefined) logs.set(k, (l = { batches: [], next: 0 }));
    return l;
  };
  let advertisedPort = 0;
  const answer = (frame: Uint8Array): Uint8Array | null => {
    const d = decodeRequest(frame, (k) => apisByKey.get(k));
    if (!d.ok) return null;
    const { apiKey, apiVersion: v, correlationId: c } = d.header;
    switch (apiKey) {
      case 18:
        return encodeResponse(ApiVersionsApi, Math.min(v, 3), c, {
          errorCode: 0,
          apiKeys: [
            { apiKey: 0, minVersion: 3, maxVersion: 9 },
            { apiKey: 1, minVersion: 4, maxVersion: 11 },
            { apiKey: 2, minVersion: 1, maxVersion: 5 },
            { apiKey: 3, minVersion: 0, maxVersion: 9 },
            { apiKey: 18, minVersion: 0, maxVersion: 3 },
          ],
          throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false,
        });
      case 3: {
        const names = (d.body as MetadataRequest).topics?.flatMap((t) => (t.name === null ? [] : [t.name])) ?? ["bench"];
        return encodeResponse(MetadataApi, v, c, {
          throttleTimeMs: 0, brokers: [{ nodeId: 1, host: "127.0.0.1", port: advertisedPort, rack: null }], clusterId: "sink", controllerId: 1,
          topics: names.map((name) => ({ errorCode: 0, name, topicId: "00000000-0000-0000-0000-000000000001", isInternal: false, topicAuthorizedOperations: -2147483648,
            partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ errorCode: 0, partitionIndex, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] })) })),
          clusterAuthorizedOperations: -2147483648,
        });
      }
      case 0: {
        const req = d.body as ProduceRequest;
        const responses = req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => {
          const l = log(t.name, p.index);
          const base = l.next;
          for (const b of splitBatches(p.records ?? new Uint8Array(0)).batches) {
            const copy = b.slice();
            setBaseOffset(copy, l.next);
            l.batches.push({ base: l.next, bytes: copy });
            l.next += new DataView(copy.buffer).getInt32(57) ;
          }
          return { index: p.index, errorCode: 0, baseOffset: BigInt(base), logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } };
        }) }));
        return req.acks === 0 ? null : encodeResponse(ProduceApi, v, c, { responses, throttleTimeMs: 0, nodeEndpoints: [] });
      }
      case 2: {
        const req = d.body as ListOffsetsRequest;
        return encodeResponse(ListOffsetsApi, v, c, { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: BigInt(p.timestamp === -2n ? 0 : log(t.name, p.partitionIndex).next), leaderEpoch: 0 })) })) });
      }
      case 1: {
        const req = d.body as FetchRequest;
        const responses = req.topics.map((t) => ({ topic: t.topic, topicId: t.topicId, partitions: t.partitions.map((p) => {
          const l = log(t.topic, p.partition);
          const from = Number(p.fetchOffset);
          let lo = 0;
          let hi = l.batches.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (l.batches[mid]!.base <= from) lo = mid;
            else hi = mid - 1;
          }
          let i = l.batches.length === 0 || from >= l.next ? -1 : lo;
          const out: Uint8Array[] = [];
          let size = 0;
          for (; i >= 0 && i < l.batches.length && size < p.partitionMaxBytes; i++) {
            out.push(l.batches[i]!.bytes);
            size += l.batches[i]!.bytes.length;
          }
          const records = new Uint8Array(size);
          let at = 0;
          for (const b of out) { records.set(b, at); at += b.length; }
          return { partitionIndex: p.partition, errorCode: 0, highWatermark: BigInt(l.next), lastStableOffset: BigInt(l.next), logStartOffset: 0n,
            divergingEpoch: { epoch: -1, endOffset: -1n }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1n, epoch: -1 },
            abortedTransactions: null, preferredReadReplica: -1, records };
        }) }));
        return encodeResponse(FetchApi, v, c, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses, nodeEndpoints: [] });
      }
      default:
        return null;
    }
  };
  const server = serveFrames(port, answer);
  advertisedPort = server.port;
  return server;
}

if (import.meta.main) {
  const sink = startSink(Number(process.argv[2] ?? 0), Number(process.argv[3] ?? 1));
  console.error(`sink listening listener=127.0.0.1:${sink.port}`);
}
