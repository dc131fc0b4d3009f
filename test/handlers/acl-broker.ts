// A handler-test broker with the ACL authorizer over its memory engine (User:admin a super user),
// the principals tests send as, and a way to grant User:alice ACLs.

import { StoredAclAuthorizer } from "../../src/auth/acl-authorizer.ts";
import { CLUSTER_NAME, ResourceType } from "../../src/auth/authorizer.ts";
import type { Broker } from "../../src/broker.ts";
import type { AclBinding } from "../../src/storage/engine.ts";
import { type Sender, testBroker } from "./broker.ts";

export const ADMIN: Sender = { principal: "User:admin", clientAddress: "127.0.0.1" };
export const ALICE: Sender = { principal: "User:alice", clientAddress: "127.0.0.1" };

export type AclBroker = Broker & { authorizer: StoredAclAuthorizer };

export async function aclBroker(args: readonly string[] = []): Promise<AclBroker> {
  const base = testBroker(args);
  const authorizer = new StoredAclAuthorizer(base.engine, base.log, { superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 3_600_000 });
  await authorizer.refresh();
  return { ...base, authorizer };
}

const LITERAL = 3;
const ALLOW = 3;

/** Stores ALLOW bindings of `operation` for User:alice from any host, and has the authorizer read them. */
export async function grant(broker: AclBroker, ...grants: { resourceType: number; resourceName?: string; operation: number; patternType?: number }[]): Promise<void> {
  const bindings: AclBinding[] = grants.map((g) => ({
    resourceType: g.resourceType,
    resourceName: g.resourceName ?? (g.resourceType === ResourceType.CLUSTER ? CLUSTER_NAME : "*"),
    patternType: g.patternType ?? LITERAL,
    principal: "User:alice",
    host: "*",
    operation: g.operation,
    permissionType: ALLOW,
  }));
  await broker.engine.createAcls(bindings);
  await broker.authorizer.refresh();
}
