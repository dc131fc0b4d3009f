// Produce: one record batch per partition, one request per leader, acks=-1 by default.

import { ProduceApi } from "../protocol/generated/index.ts";
import type { KafkaClient } from "./client.ts";
import { check } from "./errors.ts";
import { byLeader } from "./topics.ts";

export interface PartitionBatch {
  partition: number;
  leader: number;
  /** One or more RecordBatch v2, concatenated. */
  records: Uint8Array;
}

export interface ProduceOptions {
  /** -1 (all in-sync replicas) or 1; acks=0 gets no response and is not offered here. */
  acks?: -1 | 1;
  timeoutMs?: number;
}

/** Partition → the base offset the broker gave its batch. */
export async function produce(client: KafkaClient, topic: string, batches: readonly PartitionBatch[], options: ProduceOptions = {}): Promise<Map<number, bigint>> {
  const baseOffsets = new Map<number, bigint>();
  const requests = [...byLeader(batches)].map(async ([leader, group]) => {
    const response = await client.request(
      ProduceApi,
      () => ({
        transactionalId: null,
        acks: options.acks ?? -1,
        timeoutMs: options.timeoutMs ?? 30_000,
        topicData: [{ name: topic, partitionData: group.map((b) => ({ index: b.partition, records: b.records })) }],
      }),
      { node: leader },
    );
    for (const t of response.responses) {
      for (const p of t.partitionResponses) {
        check(p.errorCode, `Produce ${t.name}-${p.index}`, p.errorMessage);
        baseOffsets.set(p.index, p.baseOffset);
      }
    }
  });
  await Promise.all(requests);
  return baseOffsets;
}
