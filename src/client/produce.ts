// Produce: one record batch per partition, one request per leader, acks=-1 by default. With acks=0
// the broker answers nothing: the request is done once it is written.

import { ProduceApi } from "../protocol/generated/produce.ts";
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
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (no response, so no base offsets). */
  acks?: -1 | 0 | 1;
  timeoutMs?: number;
}

/** Partition → the base offset the broker gave its batch. */
export async function produce(client: KafkaClient, topic: string, batches: readonly PartitionBatch[], options: ProduceOptions = {}): Promise<Map<number, bigint>> {
  const baseOffsets = new Map<number, bigint>();
  const requests = [...byLeader(batches)].map(async ([leader, group]) => {
    const request = () => ({
      transactionalId: null,
      acks: options.acks ?? -1,
      timeoutMs: options.timeoutMs ?? 30_000,
      topicData: [{ name: topic, partitionData: group.map((b) => ({ index: b.partition, records: b.records })) }],
    });
    if (options.acks === 0) return client.send(ProduceApi, request, { node: leader });
    const response = await client.request(ProduceApi, request, { node: leader });
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
