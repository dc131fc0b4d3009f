// An idempotent producer (KIP-98): a producer id and epoch from InitProducerId without a
// transactional id, and per partition the sequence of each batch's first record, counted from 0
// and wrapping to 0 after 2^31 - 1, so that the broker drops a duplicate and refuses a gap.

import { InitProducerIdApi } from "../protocol/generated/init-producer-id.ts";
import type { KafkaClient } from "./client.ts";
import { check } from "./errors.ts";

export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

/** What Kafka's producer sends as transaction.timeout.ms; the broker ignores it without a transactional id. */
const TRANSACTION_TIMEOUT_MS = 60_000;

export async function initProducerId(client: KafkaClient): Promise<ProducerIdentity> {
  const response = await client.request(InitProducerIdApi, () => ({ transactionalId: null, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS, producerId: -1n, producerEpoch: -1 }));
  check(response.errorCode, "InitProducerId");
  return { producerId: Number(response.producerId), producerEpoch: response.producerEpoch };
}

const SEQUENCE_MODULUS = 2 ** 31;

/** One producer's next sequence per partition. */
export class ProducerSequences {
  private readonly next = new Map<number, number>();

  /** The base sequence of a batch of `count` records to `partition`; later batches follow it. */
  take(partition: number, count: number): number {
    const base = this.next.get(partition) ?? 0;
    this.next.set(partition, (base + count) % SEQUENCE_MODULUS);
    return base;
  }
}
