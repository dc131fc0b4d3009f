// SCRAM credentials, one row per (user, mechanism), and ACL bindings, one row per binding.
// Credential alterations run in order in one transaction; an ACL change is one statement.

import type { AclBinding, ScramCredentialAlteration, StoredScramCredential } from "../engine.ts";
import { type AclRow, aclBinding, aclRow, type ScramCredentialRow, storedScramCredential } from "../security-rows.ts";
import { query, type Db } from "./connect.ts";

const bytea = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export async function scramCredentials(db: Db, user?: string): Promise<StoredScramCredential[]> {
  const rows = user === undefined ? await query<ScramCredentialRow>(db, "scram-credentials") : await query<ScramCredentialRow>(db, "scram-credentials-of", [user]);
  return rows.map(storedScramCredential);
}

export async function alterScramCredentials(db: Db, alterations: readonly ScramCredentialAlteration[]): Promise<void> {
  if (alterations.length === 0) return;
  await db.begin(async (tx) => {
    for (const { user, mechanism, secret } of alterations) {
      if (secret === null) await query(tx, "delete-scram-credential", [user, mechanism]);
      else await query(tx, "upsert-scram-credential", [user, mechanism, bytea(secret.salt), secret.iterations, bytea(secret.storedKey), bytea(secret.serverKey)]);
    }
  });
}

export async function acls(db: Db): Promise<AclBinding[]> {
  return (await query<AclRow>(db, "acls")).map(aclBinding);
}

export async function createAcls(db: Db, bindings: readonly AclBinding[]): Promise<void> {
  if (bindings.length > 0) await query(db, "create-acls", [JSON.stringify(bindings.map(aclRow))]);
}

export async function deleteAcls(db: Db, bindings: readonly AclBinding[]): Promise<void> {
  if (bindings.length > 0) await query(db, "delete-acls", [JSON.stringify(bindings.map(aclRow))]);
}
