// Fetch by topic name (v4–12: v13+ name topics by id), without fetch sessions. Returns the
// records at or after each partition's position and the positions to fetch from next.

import { FetchApi, type FetchResponsePartitionData } from "../protocol/generated/fetch.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import { decodeBatch, type KafkaRecord, splitBatches } from "../protocol/records/index.ts";
import type { KafkaClient } from "./client.ts";
import { ClientError, check } from "./errors.ts";
import { byLeader } from "./topics.ts";

export const FETCH_MAX_VERSION = 12;

export interface FetchPosition {
  partition: number;
  leader: number;
  offset: bigint;
}

export interface FetchOptions {
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  partitionMaxBytes?: number;
}

export interface FetchedRecord extends KafkaRecord {
  partition: number;
}

export interface FetchResult {
  records: FetchedRecord[];
  /** Partition → the offset to fetch from next. */
  positions: Map<number, bigint>;
}

export async function fetchRecords(client: KafkaClient, topic: string, positions: readonly FetchPosition[], options: FetchOptions = {}): Promise<FetchResult> {
  const result: FetchResult = { records: [], positions: new Map(positions.map((p) => [p.partition, p.offset])) };
  const maxWaitMs = options.maxWaitMs ?? 500;
  const requests = [...byLeader(positions)].map(async ([leader, group]) => {
    const response = await client.request(
      FetchApi,
      () => ({
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs,
        minBytes: options.minBytes ?? 1,
        maxBytes: options.maxBytes ?? 50 << 20,
        isolationLevel: 0,
        // session 0 with epoch -1: a full fetch that opens no session
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: group.map((p) => ({
              partition: p.partition,
              currentLeaderEpoch: -1,
              fetchOffset: p.offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20,
              replicaDirectoryId: ZERO_UUID,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      }),
      { node: leader, maxVersion: FETCH_MAX_VERSION, timeoutMs: maxWaitMs + 30_000 },
    );
    check(response.errorCode, `Fetch ${topic}`);
    for (const t of response.responses) for (const p of t.partitions) readPartition(t.topic, p, result);
  });
  await Promise.all(requests);
  return result;
}

function readPartition(topic: string, data: FetchResponsePartitionData, result: FetchResult): void {
  const partition = data.partitionIndex;
  check(data.errorCode, `Fetch ${topic}-${partition}`);
  const from = result.positions.get(partition);
  if (from === undefined || data.records === null) return;
  let next = from;
  try {
    for (const batch of splitBatches(data.records).batches) {
      const { header, records } = decodeBatch(batch);
      const end = BigInt(header.baseOffset + header.lastOffsetDelta + 1);
      if (end > next) next = end;
      if (header.isControl) continue;
      for (const r of records) if (BigInt(r.offset) >= from) result.records.push({ ...r, partition });
    }
  } catch (e) {
    throw new ClientError("protocol", `Fetch ${topic}-${partition}: ${e instanceof Error ? e.message : String(e)}`);
  }
  result.positions.set(partition, next);
}
