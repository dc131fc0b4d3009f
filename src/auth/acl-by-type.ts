// Kafka's authorizeByResourceType (KIP-679), after its check for super users: may the principal
// perform the operation on at least one resource of a type? Only bindings of the exact operation or
// ALL count (no implied operations). A DENY on LITERAL `*` refuses; an ALLOW on LITERAL `*` permits;
// otherwise some ALLOW must name a resource no DENY covers: a LITERAL name not denied by the same
// LITERAL name, and neither it nor a PREFIXED allow starting with a denied prefix.

import type { AclBinding } from "../storage/engine.ts";
import { AclPermissionType, PatternType, WILDCARD } from "./acl-codes.ts";
import { applies } from "./acl-decide.ts";
import { AclOperation } from "./authorizer.ts";

function deniedByPrefix(name: string, deniedPrefixes: ReadonlySet<string>): boolean {
  for (let i = 1; i <= name.length; i++) if (deniedPrefixes.has(name.slice(0, i))) return true;
  return false;
}

/** `bindings`: every binding of the resource type, hosts normalized. */
export function allowedOnSomeResource(bindings: readonly AclBinding[], principal: string, host: string, operation: number): boolean {
  const denied = { literal: new Set<string>(), prefixed: new Set<string>() };
  const allowed: AclBinding[] = [];
  for (const b of bindings) {
    if (!applies(b, principal, host) || (b.operation !== operation && b.operation !== AclOperation.ALL)) continue;
    if (b.permissionType === AclPermissionType.DENY) {
      if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD) return false;
      if (b.patternType === PatternType.LITERAL) denied.literal.add(b.resourceName);
      else if (b.patternType === PatternType.PREFIXED) denied.prefixed.add(b.resourceName);
    } else if (b.permissionType === AclPermissionType.ALLOW) {
      allowed.push(b);
    }
  }
  if (allowed.some((b) => b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD)) return true;
  return allowed.some((b) => {
    if (b.patternType === PatternType.LITERAL && denied.literal.has(b.resourceName)) return false;
    return !deniedByPrefix(b.resourceName, denied.prefixed);
  });
}
