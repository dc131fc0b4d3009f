// Which stored bindings a DescribeAcls or DeleteAcls filter selects, as Kafka's AclBindingFilter
// matches: null names, principals and hosts match any; ANY matches every code. A named resource
// with pattern ANY (or the binding's own pattern) matches that exact name only; MATCH selects the
// bindings that would apply to a resource of that name (LITERAL equal or `*`, PREFIXED a prefix).
// Principals and hosts compare as written: `User:*` in a filter selects only `User:*` bindings.

import type { DescribeAclsRequest } from "../protocol/generated/describe-acls.ts";
import type { AclBinding } from "../storage/engine.ts";
import { ANY, PatternType, WILDCARD, operationName, patternTypeName, permissionName, resourceTypeName } from "./acl-codes.ts";

/** A DescribeAcls request is one filter; a DeleteAcls filter has the same fields. */
export type AclBindingFilter = Omit<DescribeAclsRequest, "unknownTaggedFields">;

function patternMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceTypeFilter !== ANY && f.resourceTypeFilter !== b.resourceType) return false;
  const pattern = f.patternTypeFilter;
  if (pattern !== PatternType.ANY && pattern !== PatternType.MATCH && pattern !== b.patternType) return false;
  const name = f.resourceNameFilter;
  if (name === null) return true;
  if (pattern !== PatternType.MATCH) return name === b.resourceName;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return name === b.resourceName || b.resourceName === WILDCARD;
}

function entryMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.principalFilter !== null && f.principalFilter !== b.principal) return false;
  if (f.hostFilter !== null && f.hostFilter !== b.host) return false;
  if (f.operation !== ANY && f.operation !== b.operation) return false;
  return f.permissionType === ANY || f.permissionType === b.permissionType;
}

export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  return patternMatches(f, b) && entryMatches(f, b);
}

/** Why Kafka refuses the filter (a code it does not know), or null. */
export function filterProblem(f: AclBindingFilter): string | null {
  if (resourceTypeName(f.resourceTypeFilter) === "UNKNOWN" || patternTypeName(f.patternTypeFilter) === "UNKNOWN") return "Unknown patternFilter.";
  if (operationName(f.operation) === "UNKNOWN" || permissionName(f.permissionType) === "UNKNOWN") return "Unknown entryFilter.";
  return null;
}
