// The client's ceiling for bench/transactions.ts: a trivial Kafka endpoint that answers what an
// idempotent or transactional librdkafka producer needs (ApiVersions, Metadata, FindCoordinator,
// InitProducerId, AddPartitionsToTxn, Produce, EndTxn, CreateTopics, and ListOffsets for the
// watermark check) at once, with no checks and no storage: a partition is an offset counter, advanced by each batch's
// record count and, at EndTxn, by one marker per partition added to the transaction.
// Run: bun bench/support/txn-sink.ts [port]  (logs `listening listener=127.0.0.1:PORT`).

import { decodeRequest, encodeResponse } from "../../src/protocol/frame.ts";
import {
  AddPartitionsToTxnApi,
  type AddPartitionsToTxnRequest,
  ApiVersionsApi,
  apisByKey,
  CreateTopicsApi,
  type CreateTopicsRequest,
  EndTxnApi,
  type EndTxnRequest,
  FindCoordinatorApi,
  type FindCoordinatorRequest,
  InitProducerIdApi,
  ListOffsetsApi,
  type ListOffsetsRequest,
  MetadataApi,
  type MetadataRequest,
  ProduceApi,
  type ProduceRequest,
} from "../../src/protocol/generated/index.ts";
import { splitBatches } from "../../src/protocol/records/index.ts";
import { serveFrames } from "./frame-server.ts";

const RECORD_COUNT_AT = 57;

export function startTxnSink(port = 0): { port: number; stop(): void } {
  const next = new Map<string, number>(); // "topic/partition" → next offset
  const inTxn = new Map<string, Set<string>>(); // transactional id → partitions added
  let producerIds = 1000;
  let advertisedPort = 0;
  const coordinator = () => ({ nodeId: 1, host: "127.0.0.1", port: advertisedPort });

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
            // Fetch is never answered, but librdkafka sends record batch v2 only to a broker with Fetch v4+
            { apiKey: 1, minVersion: 4, maxVersion: 11 },
            { apiKey: 2, minVersion: 1, maxVersion: 5 },
            { apiKey: 3, minVersion: 0, maxVersion: 9 },
            { apiKey: 10, minVersion: 0, maxVersion: 3 },
            { apiKey: 18, minVersion: 0, maxVersion: 3 },
            { apiKey: 19, minVersion: 0, maxVersion: 4 },
            { apiKey: 22, minVersion: 0, maxVersion: 4 },
            { apiKey: 24, minVersion: 0, maxVersion: 3 },
            { apiKey: 26, minVersion: 0, maxVersion: 3 },
          ],
          throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false,
        });
      case 3: {
        const req = d.body as MetadataRequest;
        const names = req.topics === null ? [...new Set([...next.keys()].map((k) => k.slice(0, k.lastIndexOf("/"))))] : req.topics.map((t) => t.name ?? "");
        return encodeResponse(MetadataApi, v, c, {
          throttleTimeMs: 0, brokers: [{ nodeId: 1, host: "127.0.0.1", port: advertisedPort, rack: null }], clusterId: "txn-sink", controllerId: 1,
          topics: names.map((name) => ({ errorCode: 0, name, topicId: "00000000-0000-0000-0000-000000000001", isInternal: false, topicAuthorizedOperations: -2147483648,
            partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] })),
          clusterAuthorizedOperations: -2147483648,
        });
      }
      case 10: {
        const req = d.body as FindCoordinatorRequest;
        const keys = v >= 4 ? req.coordinatorKeys : [req.key];
        return encodeResponse(FindCoordinatorApi, v, c, {
          throttleTimeMs: 0, errorCode: 0, errorMessage: null, ...coordinator(),
          coordinators: keys.map((key) => ({ key, ...coordinator(), errorCode: 0, errorMessage: null })),
        });
      }
      case 19: {
        const req = d.body as CreateTopicsRequest;
        for (const t of req.topics) next.set(`${t.name}/0`, next.get(`${t.name}/0`) ?? 0);
        return encodeResponse(CreateTopicsApi, v, c, {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({ name: t.name, topicId: "00000000-0000-0000-0000-000000000001", errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: 1, replicationFactor: 1, configs: [] })),
        });
      }
      case 22:
        return encodeResponse(InitProducerIdApi, v, c, { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(producerIds++), producerEpoch: 0 });
      case 24: {
        const req = d.body as AddPartitionsToTxnRequest;
        let added = inTxn.get(req.v3AndBelowTransactionalId);
        if (added === undefined) inTxn.set(req.v3AndBelowTransactionalId, (added = new Set()));
        for (const t of req.v3AndBelowTopics) for (const p of t.partitions) added.add(`${t.name}/${p}`);
        return encodeResponse(AddPartitionsToTxnApi, v, c, {
          throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [],
          resultsByTopicV3AndBelow: req.v3AndBelowTopics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: 0 })) })),
        });
      }
      case 26: {
        const req = d.body as EndTxnRequest;
        for (const k of inTxn.get(req.transactionalId) ?? []) next.set(k, (next.get(k) ?? 0) + 1);
        inTxn.delete(req.transactionalId);
        return encodeResponse(EndTxnApi, v, c, { throttleTimeMs: 0, errorCode: 0 });
      }
      case 0: {
        const req = d.body as ProduceRequest;
        const responses = req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => {
          const k = `${t.name}/${p.index}`;
          const base = next.get(k) ?? 0;
          let n = base;
          for (const b of splitBatches(p.records ?? new Uint8Array(0)).batches) n += new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(RECORD_COUNT_AT);
          next.set(k, n);
          return { index: p.index, errorCode: 0, baseOffset: BigInt(base), logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } };
        }) }));
        return req.acks === 0 ? null : encodeResponse(ProduceApi, v, c, { responses, throttleTimeMs: 0, nodeEndpoints: [] });
      }
      case 2: {
        const req = d.body as ListOffsetsRequest;
        return encodeResponse(ListOffsetsApi, v, c, { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: BigInt(p.timestamp === -2n ? 0 : next.get(`${t.name}/${p.partitionIndex}`) ?? 0), leaderEpoch: 0 })) })) });
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
  const sink = startTxnSink(Number(process.argv[2] ?? 0));
  console.error(`txn-sink listening listener=127.0.0.1:${sink.port}`);
}
