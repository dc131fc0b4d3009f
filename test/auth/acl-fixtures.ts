// Bindings and an authorizer over a memory engine holding them, for the ACL tests.

import { StoredAclAuthorizer, type AclAuthorizerOptions } from "../../src/auth/acl-authorizer.ts";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import type { AclBinding, Engine } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";

export const LITERAL = 3;
export const PREFIXED = 4;
export const DENY = 2;
export const ALLOW = 3;

/** An ALLOW of READ on the LITERAL topic "orders" for User:alice from any host, changed by `over`. */
export function binding(over: Partial<AclBinding> = {}): AclBinding {
  return { resourceType: ResourceType.TOPIC, resourceName: "orders", patternType: LITERAL, principal: "User:alice", host: "*", operation: AclOperation.READ, permissionType: ALLOW, ...over };
}

export interface Held {
  engine: Engine;
  authorizer: StoredAclAuthorizer;
}

/** An authorizer that has read `bindings` from a fresh memory engine (and refreshes only when told). */
export async function authorizerOver(bindings: readonly AclBinding[], options: Partial<AclAuthorizerOptions> = {}, log: Logger = createLogger("error")): Promise<Held> {
  const engine = openMemoryEngine();
  await engine.createAcls(bindings);
  const authorizer = new StoredAclAuthorizer(engine, log, { superUsers: [], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 3_600_000, ...options });
  await authorizer.refresh();
  return { engine, authorizer };
}
