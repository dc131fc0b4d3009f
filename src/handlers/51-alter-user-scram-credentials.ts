// AlterUserScramCredentials (key 51), v0 (KIP-554): upserts carry the salt, iterations and the
// SaltedPassword the client computed; the broker keeps StoredKey and ServerKey only. One result
// per user; a user with any bad alteration has none applied: unknown mechanism
// UNSUPPORTED_SASL_MECHANISM, iterations outside 4096..16384 or an empty name, salt or salted
// password UNACCEPTABLE_CREDENTIAL, a (user, mechanism) altered twice DUPLICATE_RESOURCE, deleting
// a credential that does not exist RESOURCE_NOT_FOUND. The good users' changes apply atomically.
// Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED for every user.

import { AclOperation, allowed, CLUSTER_NAME, ResourceType } from "../auth/authorizer.ts";
import { SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS, scramMechanismOfCode } from "../auth/scram-names.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { AlterUserScramCredentialsApi, type AlterUserScramCredentialsRequest, type AlterUserScramCredentialsResponse } from "../protocol/generated/alter-user-scram-credentials.ts";
import type { ScramCredentialAlteration } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

type Result = AlterUserScramCredentialsResponse["results"][number];
interface Alteration {
  name: string;
  mechanism: number;
  upsert?: { iterations: number; salt: Uint8Array; saltedPassword: Uint8Array };
}

const refuse = (user: string, errorCode: number, errorMessage: string): Result => ({ user, errorCode, errorMessage });

/** The alteration's storage change, or why it is refused. */
type Derive = (typeof import("../auth/scram.ts"))["credentialFromSalted"];

function check(a: Alteration, stored: ReadonlySet<string>, credentialFromSalted: Derive): ScramCredentialAlteration | { errorCode: number; errorMessage: string } {
  const mechanism = scramMechanismOfCode(a.mechanism);
  if (mechanism === null) return { errorCode: ErrorCodes.UNSUPPORTED_SASL_MECHANISM, errorMessage: `Unknown SCRAM mechanism ${a.mechanism}` };
  if (a.name === "") return { errorCode: ErrorCodes.UNACCEPTABLE_CREDENTIAL, errorMessage: "Username must not be empty" };
  if (a.upsert === undefined) {
    if (!stored.has(mechanism)) return { errorCode: ErrorCodes.RESOURCE_NOT_FOUND, errorMessage: `Attempt to delete a user credential that does not exist: ${mechanism}` };
    return { user: a.name, mechanism, secret: null };
  }
  const { iterations, salt, saltedPassword } = a.upsert;
  if (iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
    return { errorCode: ErrorCodes.UNACCEPTABLE_CREDENTIAL, errorMessage: `Iterations must be between ${SCRAM_MIN_ITERATIONS} and ${SCRAM_MAX_ITERATIONS}` };
  }
  if (salt.length === 0) return { errorCode: ErrorCodes.UNACCEPTABLE_CREDENTIAL, errorMessage: "Salt must not be empty" };
  if (saltedPassword.length === 0) return { errorCode: ErrorCodes.UNACCEPTABLE_CREDENTIAL, errorMessage: "Salted password must not be empty" };
  const { storedKey, serverKey } = credentialFromSalted(mechanism, salt, iterations, saltedPassword);
  return { user: a.name, mechanism, secret: { salt: new Uint8Array(salt), iterations, storedKey, serverKey } };
}

export default defineHandler<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>({
  api: AlterUserScramCredentialsApi,
  minVersion: 0,
  maxVersion: 0,
  ordered: true,
  async handle(request, ctx) {
    const alterations: Alteration[] = [...request.deletions, ...request.upsertions.map((u) => ({ name: u.name, mechanism: u.mechanism, upsert: u }))];
    const users = [...new Set(alterations.map((a) => a.name))];
    if (!allowed(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return { throttleTimeMs: 0, results: users.map((u) => refuse(u, ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, "ALTER on the cluster is needed to alter credentials")) };
    }
    const { engine } = ctx.broker;
    // the cryptography loads when first needed, not at start
    const { credentialFromSalted } = await import("../auth/scram.ts");
    const changes: ScramCredentialAlteration[] = [];
    const results: Result[] = [];
    for (const user of users) {
      const mine = alterations.filter((a) => a.name === user);
      const mechanisms = mine.map((a) => a.mechanism);
      if (new Set(mechanisms).size < mechanisms.length) {
        results.push(refuse(user, ErrorCodes.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request"));
        continue;
      }
      const stored = new Set((await engine.scramCredentials(user)).map((c) => c.mechanism));
      const checked = mine.map((a) => check(a, stored, credentialFromSalted));
      const refused = checked.find((c) => "errorCode" in c);
      if (refused !== undefined && "errorCode" in refused) {
        results.push(refuse(user, refused.errorCode, refused.errorMessage));
        continue;
      }
      changes.push(...checked.filter((c): c is ScramCredentialAlteration => !("errorCode" in c)));
      results.push({ user, errorCode: 0, errorMessage: null });
    }
    if (changes.length > 0) await engine.alterScramCredentials(changes);
    return { throttleTimeMs: 0, results };
  },
});
