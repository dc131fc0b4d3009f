// SCRAM credentials, one row per (user, mechanism), and ACL bindings, one row per binding. Each
// function runs inside a transaction the engine opens; writes inside BEGIN IMMEDIATE.

import type { AclBinding, ScramCredentialAlteration, StoredScramCredential } from "../engine.ts";
import { type AclRow, aclBinding, type ScramCredentialRow, storedScramCredential } from "../security-rows.ts";
import type { Statements } from "./statements.ts";

export function scramCredentials(s: Statements, user?: string): StoredScramCredential[] {
  const rows = user === undefined ? s.all<ScramCredentialRow>("scram-credentials") : s.all<ScramCredentialRow>("scram-credentials-of", user);
  return rows.map(storedScramCredential);
}

export function alterScramCredentials(s: Statements, alterations: readonly ScramCredentialAlteration[]): void {
  for (const { user, mechanism, secret } of alterations) {
    if (secret === null) s.run("delete-scram-credential", user, mechanism);
    else s.run("upsert-scram-credential", user, mechanism, secret.salt, secret.iterations, secret.storedKey, secret.serverKey);
  }
}

export function acls(s: Statements): AclBinding[] {
  return s.all<AclRow>("acls").map(aclBinding);
}

const fields = (b: AclBinding) => [b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType] as const;

export function createAcls(s: Statements, bindings: readonly AclBinding[]): void {
  for (const b of bindings) s.run("insert-acl", ...fields(b));
}

export function deleteAcls(s: Statements, bindings: readonly AclBinding[]): void {
  for (const b of bindings) s.run("delete-acl", ...fields(b));
}
