// Who may read the admin port once security is on: HTTP Basic with a stored SASL/SCRAM user (the
// password checked against its credential, as SASL PLAIN does) or the ADMIN_TOKEN bearer token.
// No or bad credentials: 401 with a challenge. A user the authorizer does not allow DESCRIBE on
// the cluster: 403. /health and /ready stay open for load balancers; /metrics unless it is public.

import type { Context, Next } from "hono";
import type { Hono } from "hono/tiny";
import { strongestCredential } from "../auth/scram-names.ts";
import { AclOperation, ANONYMOUS_PRINCIPAL, type Authorizer, CLUSTER_NAME, ResourceType } from "../auth/authorizer.ts";
import type { Engine } from "../storage/engine.ts";

export interface AdminAuthOptions {
  engine: Engine;
  token: string | null;
  authorizer?: Authorizer;
  metricsPublic: boolean;
  /** The caller's address, for ACL host matching. */
  peer(c: Context): string;
}

const encoder = new TextEncoder();

/** Compares every byte of equal-length tokens, so the time taken says nothing of where they differ. */
function sameToken(given: string, token: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(token);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The principal the request's Authorization header proves, "super" for the token, or null. */
async function principalOf(header: string | undefined, options: AdminAuthOptions): Promise<string | null> {
  if (header === undefined) return null;
  const [scheme = "", value = ""] = header.split(" ", 2);
  if (scheme.toLowerCase() === "bearer") return options.token !== null && sameToken(value, options.token) ? "super" : null;
  if (scheme.toLowerCase() !== "basic") return null;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  const user = decoded.slice(0, colon);
  const credential = strongestCredential(await options.engine.scramCredentials(user));
  if (credential === null) return null;
  // the cryptography loads with the first login, not at start
  const { passwordMatches } = await import("../auth/scram.ts");
  if (!(await passwordMatches(credential, decoded.slice(colon + 1)))) return null;
  return `User:${user}`;
}

export function requireAdminAuth(app: Hono, options: AdminAuthOptions): void {
  const guard = async (c: Context, next: Next) => {
    const principal = await principalOf(c.req.header("authorization"), options);
    if (principal === null) return c.json({ error: "unauthorized" }, 401, { "www-authenticate": 'Basic realm="tansu", charset="UTF-8"' });
    const allowed = principal === "super" || options.authorizer === undefined || options.authorizer.authorize(principal, options.peer(c), AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME);
    if (!allowed) return c.json({ error: "forbidden", principal: principal === ANONYMOUS_PRINCIPAL ? undefined : principal }, 403);
    await next();
  };
  app.use("/api/*", guard);
  if (!options.metricsPublic) app.use("/metrics", guard);
}
