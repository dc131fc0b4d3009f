// SCRAM credentials and ACL bindings as the engines key and store them: rows of the SQL engines'
// scram_credential and acl_binding tables, and the identity of a binding (all seven fields).

import type { AclBinding, ScramMechanismName, StoredScramCredential } from "./engine.ts";
import { StorageError } from "./engine.ts";

const MECHANISMS: readonly string[] = ["SCRAM-SHA-256", "SCRAM-SHA-512"] satisfies ScramMechanismName[];

export function scramMechanism(name: string): ScramMechanismName {
  if (!MECHANISMS.includes(name)) throw new StorageError("corrupt", `unknown SCRAM mechanism ${JSON.stringify(name)}`);
  return name as ScramMechanismName;
}

/** One text per (user, mechanism). */
export const credentialKey = (c: { user: string; mechanism: ScramMechanismName }): string => JSON.stringify([c.user, c.mechanism]);

/** One text per binding: equal texts, equal bindings. */
export const aclKey = (b: AclBinding): string =>
  JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);

/** A credential with bytes of its own, so neither the caller nor the store sees the other's changes. */
export const copiedCredential = (c: StoredScramCredential): StoredScramCredential => ({
  user: c.user,
  mechanism: c.mechanism,
  salt: new Uint8Array(c.salt),
  iterations: c.iterations,
  storedKey: new Uint8Array(c.storedKey),
  serverKey: new Uint8Array(c.serverKey),
});

export const copiedAcl = (b: AclBinding): AclBinding => ({
  resourceType: b.resourceType,
  resourceName: b.resourceName,
  patternType: b.patternType,
  principal: b.principal,
  host: b.host,
  operation: b.operation,
  permissionType: b.permissionType,
});

/** A row of the SQL engines' scram_credential table (blobs as the driver returns them). */
export interface ScramCredentialRow {
  user_name: string;
  mechanism: string;
  salt: Uint8Array;
  iterations: number;
  stored_key: Uint8Array;
  server_key: Uint8Array;
}

export const storedScramCredential = (r: ScramCredentialRow): StoredScramCredential => ({
  user: r.user_name,
  mechanism: scramMechanism(r.mechanism),
  salt: new Uint8Array(r.salt),
  iterations: r.iterations,
  storedKey: new Uint8Array(r.stored_key),
  serverKey: new Uint8Array(r.server_key),
});

/** A row of the SQL engines' acl_binding table. */
export interface AclRow {
  resource_type: number;
  resource_name: string;
  pattern_type: number;
  principal: string;
  host: string;
  operation: number;
  permission_type: number;
}

export const aclBinding = (r: AclRow): AclBinding => ({
  resourceType: r.resource_type,
  resourceName: r.resource_name,
  patternType: r.pattern_type,
  principal: r.principal,
  host: r.host,
  operation: r.operation,
  permissionType: r.permission_type,
});

export const aclRow = (b: AclBinding): AclRow => ({
  resource_type: b.resourceType,
  resource_name: b.resourceName,
  pattern_type: b.patternType,
  principal: b.principal,
  host: b.host,
  operation: b.operation,
  permission_type: b.permissionType,
});
