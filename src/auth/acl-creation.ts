// What CreateAcls refuses, in Kafka's order and words: the cluster resource has one name; a name is
// never empty; resource type, operation and permission must be concrete (not ANY or unknown); the
// pattern LITERAL or PREFIXED; the principal `Type:name`.

import type { AclBinding } from "../storage/engine.ts";
import { AclPermissionType, PatternType, operationName, patternTypeName, permissionName, resourceTypeName } from "./acl-codes.ts";
import { CLUSTER_NAME, ResourceType } from "./authorizer.ts";

/** Why the binding cannot be stored (INVALID_REQUEST), or null. */
export function creationProblem(b: AclBinding): string | null {
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (b.resourceName === "") return "Invalid empty resource name";
  const type = resourceTypeName(b.resourceType);
  if (type === "UNKNOWN" || type === "ANY") return `Invalid resourceType ${type}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(b.patternType)}`;
  const operation = operationName(b.operation);
  if (operation === "UNKNOWN" || operation === "ANY") return `Invalid operation ${operation}`;
  if (b.permissionType !== AclPermissionType.DENY && b.permissionType !== AclPermissionType.ALLOW) return `Invalid permissionType ${permissionName(b.permissionType)}`;
  if (!b.principal.includes(":")) return `expected a string in format principalType:principalName but got ${b.principal}`;
  return null;
}
