// The authorized-operations bit fields of Metadata, DescribeGroups and DescribeCluster (KIP-430): bit
// n set when the sender may perform operation n on the resource, over the operations Kafka 3.9
// supports for its type. Without an authorizer every supported operation is set. The cluster's are
// reported only to a sender with DESCRIBE on it (0 otherwise), as Kafka does.

import { AclOperation, CLUSTER_NAME, type ResourceType, ResourceType as Types, allowed } from "./authorizer.ts";

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;

const SUPPORTED: ReadonlyMap<ResourceType, readonly AclOperation[]> = new Map<ResourceType, readonly AclOperation[]>([
  [Types.TOPIC, [READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS]],
  [Types.GROUP, [READ, DESCRIBE, DELETE]],
  [Types.CLUSTER, [CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE]],
  [Types.TRANSACTIONAL_ID, [DESCRIBE, WRITE]],
]);

/** Kafka's "authorized operations not requested" value. */
export const NOT_REQUESTED = -2147483648;

type Asker = Parameters<typeof allowed>[0];

export function authorizedOperations(ctx: Asker, resourceType: ResourceType, resourceName: string): number {
  let bits = 0;
  for (const op of SUPPORTED.get(resourceType) ?? []) if (allowed(ctx, op, resourceType, resourceName)) bits |= 1 << op;
  return bits;
}

export function clusterOperations(ctx: Asker): number {
  return allowed(ctx, AclOperation.DESCRIBE, Types.CLUSTER, CLUSTER_NAME) ? authorizedOperations(ctx, Types.CLUSTER, CLUSTER_NAME) : 0;
}
