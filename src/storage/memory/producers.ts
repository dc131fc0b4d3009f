// Producer id allocation and epochs for InitProducerId.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { initIdempotent } from "../producer-ids.ts";

export class ProducerRegistry {
  private nextProducerId = 1;
  /** Epoch of each producer id issued to a non-transactional producer. */
  private readonly idempotent = new Map<number, number>();

  init(request: ProducerIdRequest): ProducerIdResult {
    const result = initIdempotent(request, this.idempotent.get(request.producerId), () => this.allocate());
    if (result.errorCode === 0) this.idempotent.set(result.producerId, result.producerEpoch);
    return result;
  }

  allocate(): number {
    return this.nextProducerId++;
  }
}
