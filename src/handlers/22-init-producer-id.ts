// InitProducerId (key 22), v0–5: producer ids and epochs come from storage, so every broker hands
// out distinct ids. v3+ (KIP-360) lets a producer pass the id and epoch it holds to bump its epoch.
// With a transactional id the transaction coordinator answers (src/transactions/init.ts): the
// epoch is bumped and an open transaction of the id aborted, fencing the older producer instance.
// Authorization, as Kafka 3.x's: with a transactional id, WRITE on it
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); without (an idempotent producer), IDEMPOTENT_WRITE on the
// cluster or WRITE on some topic (KIP-679), else CLUSTER_AUTHORIZATION_FAILED.

import { AclOperation, CLUSTER_NAME, ResourceType, allowed, allowedOnAny } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { InitProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from "../protocol/generated/init-producer-id.ts";
import { transactionContext } from "../transactions/context.ts";
import { fencedFor } from "../transactions/fenced.ts";
import { initTransactionalProducer } from "../transactions/init.ts";
import { defineHandler, type RequestContext } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

function refusal(ctx: RequestContext, transactionalId: string | null): number {
  if (transactionalId !== null) {
    return allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) ? ErrorCodes.NONE : ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  const idempotent = allowed(ctx, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME) || allowedOnAny(ctx, AclOperation.WRITE, ResourceType.TOPIC);
  return idempotent ? ErrorCodes.NONE : ErrorCodes.CLUSTER_AUTHORIZATION_FAILED;
}

export default defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  api: InitProducerIdApi,
  minVersion: 0,
  maxVersion: 5,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    const failed = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode: fencedFor(errorCode, apiVersion, 4), producerId: -1n, producerEpoch: -1 });
    const refused = refusal(ctx, request.transactionalId);
    if (refused !== ErrorCodes.NONE) return failed(refused);
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
