// CreatePartitions (key 37), v0–3. count is the new total and must exceed the current one
// (INVALID_PARTITIONS otherwise, with Kafka's messages); validateOnly checks and changes nothing.
// A topic named twice answers INVALID_REQUEST. Replica assignments (non-null `assignments`) are
// refused with INVALID_REPLICA_ASSIGNMENT, Kafka's code for an assignment the cluster cannot
// honour: this broker leads every partition and storage holds the data, so there is nothing to
// place. Kafka checks the partition count first and so do we.
// Authorization: ALTER on each topic, else TOPIC_AUTHORIZATION_FAILED (after the duplicate check,
// before whether it exists).

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes, errorName } from "../protocol/errors.ts";
import { CreatePartitionsApi, type CreatePartitionsRequest, type CreatePartitionsRequestCreatePartitionsTopic, type CreatePartitionsResponse, type CreatePartitionsResponseCreatePartitionsTopicResult } from "../protocol/generated/create-partitions.ts";
import { MAX_NEW_PARTITIONS, tooManyPartitions } from "../topics/limits.ts";
import { defineHandler } from "./handler.ts";

type Result = CreatePartitionsResponseCreatePartitionsTopicResult;

function answer(name: string, errorCode: number, errorMessage: string | null): Result {
  return { name, errorCode, errorMessage };
}

async function grow(broker: Broker, t: CreatePartitionsRequestCreatePartitionsTopic, validateOnly: boolean): Promise<Result> {
  const topic = await broker.engine.getTopic(t.name);
  if (topic === null) return answer(t.name, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${t.name} does not exist.`);
  const current = topic.partitionCount;
  if (t.count === current) return answer(t.name, ErrorCodes.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  if (t.count < current) {
    return answer(t.name, ErrorCodes.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`);
  }
  if (t.assignments !== null) {
    return answer(t.name, ErrorCodes.INVALID_REPLICA_ASSIGNMENT, "Replica assignments are not supported: this broker leads every partition and storage holds its replicas; send assignments as null.");
  }
  if (t.count - current > MAX_NEW_PARTITIONS) return answer(t.name, ErrorCodes.POLICY_VIOLATION, tooManyPartitions(t.count - current));
  if (validateOnly) return answer(t.name, ErrorCodes.NONE, null);
  const errorCode = await broker.engine.createPartitions(t.name, t.count);
  if (errorCode !== ErrorCodes.NONE) return answer(t.name, errorCode, errorName(errorCode));
  broker.log.info("created partitions", { topic: t.name, from: current, to: t.count });
  return answer(t.name, ErrorCodes.NONE, null);
}

export default defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
  api: CreatePartitionsApi,
  minVersion: 0,
  maxVersion: 3,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const alterable = (name: string) => allowed(ctx, AclOperation.ALTER, ResourceType.TOPIC, name);
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const unique = [...new Map(request.topics.map((t) => [t.name, t])).values()];
    const results = await Promise.all(
      unique.map((t) => {
        if ((counts.get(t.name) ?? 0) > 1) return answer(t.name, ErrorCodes.INVALID_REQUEST, "Duplicate topic in request.");
        return alterable(t.name) ? grow(broker, t, request.validateOnly) : answer(t.name, ErrorCodes.TOPIC_AUTHORIZATION_FAILED, null);
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
