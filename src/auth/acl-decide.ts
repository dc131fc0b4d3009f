// Kafka's decision over the bindings whose resource pattern matches the resource: a binding applies
// when its principal is the asker's or `User:*` and its host the asker's or `*`. Any applying DENY
// of the operation (or ALL) refuses. Otherwise an applying ALLOW of the operation, of ALL, or of an
// operation implying it permits: READ, WRITE, DELETE and ALTER imply DESCRIBE, and ALTER_CONFIGS
// implies DESCRIBE_CONFIGS (for ALLOW only: a DENY of READ does not deny DESCRIBE). When no binding
// matches the resource at all, whoever asks, allow.everyone.if.no.acl.found decides.

import type { AclBinding } from "../storage/engine.ts";
import { AclPermissionType, WILDCARD, WILDCARD_PRINCIPAL } from "./acl-codes.ts";
import { AclOperation } from "./authorizer.ts";

export type Decision = "allowed" | "denied" | "no-acl";

const IMPLIED_BY: ReadonlyMap<number, readonly number[]> = new Map([
  [AclOperation.DESCRIBE, [AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]],
  [AclOperation.DESCRIBE_CONFIGS, [AclOperation.ALTER_CONFIGS]],
]);

/** An IPv4 address as an IPv6 socket reports it (`::ffff:127.0.0.1`) in its IPv4 form. */
export function normalizeHost(host: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(host);
  return mapped === null ? host : mapped[1]!;
}

/** Whether the binding (host already normalized) is about this principal and host. */
export function applies(b: AclBinding, principal: string, host: string): boolean {
  return (b.principal === principal || b.principal === WILDCARD_PRINCIPAL) && (b.host === host || b.host === WILDCARD);
}

/** Whether an ALLOW of `granted` permits `operation`. */
export function grants(granted: number, operation: number): boolean {
  return granted === operation || granted === AclOperation.ALL || (IMPLIED_BY.get(operation)?.includes(granted) ?? false);
}

/** The decision over `groups`, lists of the bindings that match the resource (hosts normalized). */
export function decide(groups: readonly (readonly AclBinding[])[], principal: string, host: string, operation: number): Decision {
  let found = false;
  let allowed = false;
  for (const bindings of groups) {
    for (const b of bindings) {
      found = true;
      if (!applies(b, principal, host)) continue;
      if (b.permissionType === AclPermissionType.DENY) {
        if (b.operation === operation || b.operation === AclOperation.ALL) return "denied";
      } else if (b.permissionType === AclPermissionType.ALLOW && grants(b.operation, operation)) {
        allowed = true;
      }
    }
  }
  if (allowed) return "allowed";
  return found ? "denied" : "no-acl";
}
