// InitProducerId (key 22), v0–5: producer ids and epochs come from storage, so every broker hands
// out distinct ids. v3+ (KIP-360) lets a producer pass the id and epoch it holds to bump its epoch.
// With a transactional id the transaction coordinator answers (src/transactions/init.ts): the
// epoch is bumped and an open transaction of the id aborted, fencing the older producer instance.

import { ErrorCodes } from "../protocol/errors.ts";
import { InitProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from "../protocol/generated/index.ts";
import { transactionContext } from "../transactions/context.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { initTransactionalProducer } from "../transactions/init.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

export default defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  api: InitProducerIdApi,
  minVersion: 0,
  maxVersion: 5,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const failed = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 4), producerId: -1n, producerEpoch: -1 });
    const held = { producerId: Number(request.producerId), producerEpoch: request.producerEpoch };
    try {
      const r =
        request.transactionalId === null
          ? await broker.engine.initProducerId(held)
          : await initTransactionalProducer(transactionContext(broker), { transactionalId: request.transactionalId, transactionTimeoutMs: request.transactionTimeoutMs, ...held });
      if (!("producerId" in r)) return failed(r.errorCode);
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
    } catch (e) {
      return failed(storageErrorCode(e));
    }
  },
});
