// What OffsetCommit and TxnOffsetCommit share for authorization: a topic the sender
// may not READ answers TOPIC_AUTHORIZATION_FAILED for each of its partitions, before whether it
// exists, and the rest of the request goes on without it.

import { AclOperation, ResourceType, allowed } from "../../auth/authorizer.ts";
import { offsetKey, type PartitionErrors } from "../../groups/offset-partitions.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { RequestContext } from "../handler.ts";

interface Topic {
  name: string;
  partitions: readonly { partitionIndex: number }[];
}

/** `errorCode` for every partition of `topics`. */
export function everyPartition(topics: readonly Topic[], errorCode: number): PartitionErrors {
  return new Map(topics.flatMap((t) => t.partitions.map((p) => [offsetKey(t.name, p.partitionIndex), errorCode] as const)));
}

/** The topics the sender may READ, and the errors of the partitions of the others. */
export function readableTopics<T extends Topic>(ctx: RequestContext, topics: readonly T[]): { readable: T[]; refused: PartitionErrors } {
  const readable = topics.filter((t) => allowed(ctx, AclOperation.READ, ResourceType.TOPIC, t.name));
  const refused = everyPartition(
    topics.filter((t) => !readable.includes(t)),
    ErrorCodes.TOPIC_AUTHORIZATION_FAILED,
  );
  return { readable, refused };
}
