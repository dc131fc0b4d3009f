// ListOffsets: the earliest or latest offset of each partition, asked of each partition's leader.

import { ListOffsetsApi } from "../protocol/generated/list-offsets.ts";
import type { KafkaClient } from "./client.ts";
import { check } from "./errors.ts";
import { byLeader, type PartitionLeader } from "./topics.ts";

/** ListOffsets' special timestamps. */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

/** Partition → offset. */
export async function listOffsets(client: KafkaClient, topic: string, partitions: readonly PartitionLeader[], timestamp: bigint): Promise<Map<number, bigint>> {
  const offsets = new Map<number, bigint>();
  const requests = [...byLeader(partitions)].map(async ([leader, group]) => {
    const response = await client.request(
      ListOffsetsApi,
      () => ({
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: topic, partitions: group.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
      }),
      { node: leader },
    );
    for (const t of response.topics) {
      for (const p of t.partitions) {
        check(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`);
        // v0 answers in oldStyleOffsets
        offsets.set(p.partitionIndex, p.oldStyleOffsets[0] ?? p.offset);
      }
    }
  });
  await Promise.all(requests);
  return offsets;
}
