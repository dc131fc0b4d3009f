// Producer id allocation and epochs for InitProducerId.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { initIdempotent, initTransactional, type TransactionalProducer } from "../producer-ids.ts";

export class ProducerRegistry {
  private nextProducerId = 1;
  /** Epoch of each producer id issued to a non-transactional producer. */
  private readonly idempotent = new Map<number, number>();
  private readonly transactional = new Map<string, TransactionalProducer>();

  init(request: ProducerIdRequest): ProducerIdResult {
    const allocate = () => this.nextProducerId++;
    const { transactionalId } = request;
    if (transactionalId === null) {
      const result = initIdempotent(request, this.idempotent.get(request.producerId), allocate);
      if (result.errorCode === 0) this.idempotent.set(result.producerId, result.producerEpoch);
      return result;
    }
    const result = initTransactional(this.transactional.get(transactionalId), request, allocate);
    if (result.errorCode !== 0) return result;
    this.transactional.set(transactionalId, result.producer);
    return { errorCode: 0, producerId: result.producer.producerId, producerEpoch: result.producer.producerEpoch };
  }
}
