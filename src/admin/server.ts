// The broker's admin side-port: its app (app.ts) served on the admin listener.

import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";
import type { AdminContext } from "./context.ts";
import { type AdminServer, serveAdmin } from "./serve.ts";

export type { AdminServer } from "./serve.ts";

/** `tls`: serve https:// with this certificate and key (the Kafka TLS listeners' own, as loaded at start). */
export function startAdmin(endpoint: Endpoint, ctx: AdminContext, log: Logger, tls?: { cert: string; key: string }): AdminServer {
  const load = (peer: (request: Request) => string) => import("./app.ts").then((m) => m.adminApp(ctx, peer));
  return serveAdmin(endpoint, load, log, { tls, fields: { auth: ctx.config.adminAuth ? "required" : undefined } });
}
