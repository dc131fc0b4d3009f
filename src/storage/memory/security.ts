// SCRAM credentials by (user, mechanism) and ACL bindings as a set, both keyed as in
// security-rows.ts. Bytes are copied in and out: callers never share them with the store.

import type { AclBinding, ScramCredentialAlteration, StoredScramCredential } from "../engine.ts";
import { aclKey, copiedAcl, copiedCredential, credentialKey } from "../security-rows.ts";

export class SecurityStore {
  private readonly credentials = new Map<string, StoredScramCredential>();
  private readonly bindings = new Map<string, AclBinding>();

  scramCredentials(user?: string): StoredScramCredential[] {
    return [...this.credentials.values()].filter((c) => user === undefined || c.user === user).map(copiedCredential);
  }

  alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): void {
    for (const { user, mechanism, secret } of alterations) {
      const key = credentialKey({ user, mechanism });
      if (secret === null) this.credentials.delete(key);
      else this.credentials.set(key, copiedCredential({ user, mechanism, ...secret }));
    }
  }

  acls(): AclBinding[] {
    return [...this.bindings.values()].map(copiedAcl);
  }

  createAcls(bindings: readonly AclBinding[]): void {
    for (const b of bindings) this.bindings.set(aclKey(b), copiedAcl(b));
  }

  deleteAcls(bindings: readonly AclBinding[]): void {
    for (const b of bindings) this.bindings.delete(aclKey(b));
  }
}
