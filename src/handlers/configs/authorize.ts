// Who may describe or alter configs (DescribeConfigs: DESCRIBE_CONFIGS; AlterConfigs and
// IncrementalAlterConfigs: ALTER_CONFIGS): the operation on the topic (TOPIC_AUTHORIZATION_FAILED)
// or, for BROKER and BROKER_LOGGER resources, on the cluster (CLUSTER_AUTHORIZATION_FAILED), with
// Kafka's messages. Other resource types are left to the handler's own checks.

import { AclOperation, CLUSTER_NAME, ResourceType as AclResource, allowed } from "../../auth/authorizer.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { ResourceType } from "../../topics/config-entries.ts";
import type { RequestContext } from "../handler.ts";

type ConfigsOperation = typeof AclOperation.DESCRIBE_CONFIGS | typeof AclOperation.ALTER_CONFIGS;

/** The error of a resource the sender may not describe or alter, or null. */
export function configsRefusal(ctx: RequestContext, operation: ConfigsOperation, resource: { resourceType: number; resourceName: string }): { errorCode: number; errorMessage: string } | null {
  switch (resource.resourceType) {
    case ResourceType.TOPIC:
      return allowed(ctx, operation, AclResource.TOPIC, resource.resourceName) ? null : { errorCode: ErrorCodes.TOPIC_AUTHORIZATION_FAILED, errorMessage: "Topic authorization failed." };
    case ResourceType.BROKER:
    case ResourceType.BROKER_LOGGER:
      return allowed(ctx, operation, AclResource.CLUSTER, CLUSTER_NAME) ? null : { errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, errorMessage: "Cluster authorization failed." };
    default:
      return null;
  }
}
