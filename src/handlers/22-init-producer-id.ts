// InitProducerId (key 22), v0–5: producer ids and epochs come from storage, so every broker hands
// out distinct ids. v3+ (KIP-360) lets a producer pass the id and epoch it holds to bump its epoch.
// Transactional ids get an id and a bumped epoch, but the transaction APIs are not served yet.

import { ErrorCodes } from "../protocol/errors.ts";
import { InitProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from "../protocol/generated/index.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

export default defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  api: InitProducerIdApi,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, { broker }) {
    const failed = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    if (request.transactionalId !== null && request.transactionTimeoutMs <= 0) return failed(ErrorCodes.INVALID_TRANSACTION_TIMEOUT);
    try {
      const r = await broker.engine.initProducerId({
        transactionalId: request.transactionalId,
        transactionTimeoutMs: request.transactionTimeoutMs,
        producerId: Number(request.producerId),
        producerEpoch: request.producerEpoch,
      });
      if (!("producerId" in r)) return failed(r.errorCode);
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
    } catch (e) {
      return failed(storageErrorCode(e));
    }
  },
});
