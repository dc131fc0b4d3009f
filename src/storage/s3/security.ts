// SCRAM credentials and ACL bindings on S3: one object each, changed by compare-and-swap (cas.ts)
// as client quotas are (quotas.ts). Both change rarely, and a read of an unchanged object is a 304
// (versioned.ts), so neither object is a hot spot. Credentials are rows [user, mechanism, salt, iterations, storedKey, serverKey]
// with the bytes in base64; bindings are rows of their seven fields in engine.ts's order.

import type { AclBinding, ScramCredentialAlteration, StoredScramCredential } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { aclKey, copiedAcl, copiedCredential, credentialKey, scramMechanism } from "../security-rows.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import { json, num, parseObject, rows, str } from "./json-rows.ts";
import type { Keys } from "./keys.ts";
import type { ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

/** Entries by credentialKey or aclKey; writes as in cas.ts. */
interface SetDoc<T> {
  entries: ReadonlyMap<string, T>;
  writes: string[];
}

function history(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) throw new StorageError("corrupt", `${key} has a malformed write history`);
  return value.map(String);
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

function decodeCredentials(bytes: Uint8Array, key: string): SetDoc<StoredScramCredential> {
  const o = parseObject(bytes, key, [1]);
  const entries = new Map<string, StoredScramCredential>();
  for (const [user, mechanism, salt, iterations, storedKey, serverKey] of rows(o.credentials, key)) {
    const c: StoredScramCredential = {
      user: str(user, key),
      mechanism: scramMechanism(str(mechanism, key)),
      salt: fromBase64(str(salt, key)),
      iterations: num(iterations, key),
      storedKey: fromBase64(str(storedKey, key)),
      serverKey: fromBase64(str(serverKey, key)),
    };
    entries.set(credentialKey(c), c);
  }
  return { entries, writes: history(o.writes, key) };
}

const encodeCredentials = (doc: SetDoc<StoredScramCredential>) =>
  json({
    v: 1,
    credentials: [...doc.entries.values()].map((c) => [c.user, c.mechanism, base64(c.salt), c.iterations, base64(c.storedKey), base64(c.serverKey)]),
    writes: doc.writes,
  });

function decodeAcls(bytes: Uint8Array, key: string): SetDoc<AclBinding> {
  const o = parseObject(bytes, key, [1]);
  const entries = new Map<string, AclBinding>();
  for (const [resourceType, resourceName, patternType, principal, host, operation, permissionType] of rows(o.bindings, key)) {
    const b: AclBinding = {
      resourceType: num(resourceType, key),
      resourceName: str(resourceName, key),
      patternType: num(patternType, key),
      principal: str(principal, key),
      host: str(host, key),
      operation: num(operation, key),
      permissionType: num(permissionType, key),
    };
    entries.set(aclKey(b), b);
  }
  return { entries, writes: history(o.writes, key) };
}

const encodeAcls = (doc: SetDoc<AclBinding>) =>
  json({
    v: 1,
    bindings: [...doc.entries.values()].map((b) => [b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]),
    writes: doc.writes,
  });

function target<T>(store: ObjectStore, decode: (bytes: Uint8Array, key: string) => SetDoc<T>, encode: (doc: SetDoc<T>) => Uint8Array): CasTarget<SetDoc<T>> {
  return {
    store,
    cache: new VersionedCache<SetDoc<T>>(store, decode, { entries: new Map(), writes: [] }),
    encode,
    stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
    landed: (doc, writeId) => doc.writes.includes(writeId),
  };
}

/**
 * Writes `edit`'s entries unless it changed nothing (then the object stays as it is). A lost race
 * edits what is stored now, so a concurrent writer's change is kept.
 */
function alter<T>(t: CasTarget<SetDoc<T>>, key: string, edit: (entries: Map<string, T>) => boolean): Promise<void> {
  return compareAndSwap<SetDoc<T>, void>(t, key, ({ value }) => {
    const entries = new Map(value.entries);
    return edit(entries) ? { write: { ...value, entries }, then: () => undefined } : { answer: undefined };
  });
}

export class Security {
  private readonly credentials: CasTarget<SetDoc<StoredScramCredential>>;
  private readonly bindings: CasTarget<SetDoc<AclBinding>>;

  constructor(
    store: ObjectStore,
    private readonly keys: Keys,
  ) {
    this.credentials = target(store, decodeCredentials, encodeCredentials);
    this.bindings = target(store, decodeAcls, encodeAcls);
  }

  async scramCredentials(user?: string): Promise<StoredScramCredential[]> {
    const { entries } = (await this.credentials.cache.load(this.keys.scramCredentials())).value;
    return [...entries.values()].filter((c) => user === undefined || c.user === user).map(copiedCredential);
  }

  alterScramCredentials(alterations: readonly ScramCredentialAlteration[]): Promise<void> {
    return alter(this.credentials, this.keys.scramCredentials(), (entries) => {
      let changed = false;
      for (const { user, mechanism, secret } of alterations) {
        const key = credentialKey({ user, mechanism });
        if (secret === null) changed = entries.delete(key) || changed;
        else {
          entries.set(key, copiedCredential({ user, mechanism, ...secret }));
          changed = true;
        }
      }
      return changed;
    });
  }

  async acls(): Promise<AclBinding[]> {
    return [...(await this.bindings.cache.load(this.keys.acls())).value.entries.values()].map(copiedAcl);
  }

  createAcls(bindings: readonly AclBinding[]): Promise<void> {
    return alter(this.bindings, this.keys.acls(), (entries) => {
      const before = entries.size;
      for (const b of bindings) entries.set(aclKey(b), copiedAcl(b));
      return entries.size !== before;
    });
  }

  deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    return alter(this.bindings, this.keys.acls(), (entries) => {
      const before = entries.size;
      for (const b of bindings) entries.delete(aclKey(b));
      return entries.size !== before;
    });
  }
}
