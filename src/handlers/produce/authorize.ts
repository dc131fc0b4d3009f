// Produce's authorization, as Kafka's: a request whose batches are transactional needs WRITE on its
// transactionalId, else every partition answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED; each topic
// needs WRITE, else its partitions answer TOPIC_AUTHORIZATION_FAILED (before whether it exists).
// Like Kafka, the first batch of each partition's records says whether they are transactional.

import { AclOperation, ResourceType, allowed } from "../../auth/authorizer.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { ProduceRequest } from "../../protocol/generated/produce.ts";
import { TRANSACTIONAL_FLAG } from "../../protocol/records/attributes.ts";
import { ATTRIBUTES_AT, MAGIC, MAGIC_AT } from "../../protocol/records/header.ts";
import type { RequestContext } from "../handler.ts";

function transactional(records: Uint8Array | null): boolean {
  // attributes is a big-endian int16: its flags are in the second byte
  return records !== null && records.length > ATTRIBUTES_AT + 1 && records[MAGIC_AT] === MAGIC && (records[ATTRIBUTES_AT + 1]! & TRANSACTIONAL_FLAG) !== 0;
}

/** The error every partition of `topic` answers before any other check, or NONE. */
export function produceAuthorization(ctx: RequestContext, request: ProduceRequest): (topic: string) => number {
  const carriesTransaction = request.topicData.some((t) => t.partitionData.some((p) => transactional(p.records)));
  const { transactionalId } = request;
  if (carriesTransaction && (transactionalId === null || !allowed(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId))) {
    return () => ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  return (topic) => (allowed(ctx, AclOperation.WRITE, ResourceType.TOPIC, topic) ? ErrorCodes.NONE : ErrorCodes.TOPIC_AUTHORIZATION_FAILED);
}
