// Serves the admin app with Bun.serve on the admin listener (port 0: a free port, logged).

import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";
import { bindError } from "../server/bind-error.ts";
import type { AdminContext } from "./context.ts";

export interface AdminServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** `tls`: serve https:// with this certificate and key (the Kafka TLS listeners' own, as loaded at start). */
export function startAdmin(endpoint: Endpoint, ctx: AdminContext, log: Logger, tls?: { cert: string; key: string }): AdminServer {
  let server: ReturnType<typeof Bun.serve>;
  // the app (Hono and every route) loads on the first request: an idle broker never holds it
  let app: Promise<{ fetch(request: Request): Response | Promise<Response> }> | undefined;
  const loadApp = () => import("./app.ts").then((m) => m.adminApp(ctx, (request) => server.requestIP(request)?.address ?? ""));
  try {
    server = Bun.serve({ hostname: endpoint.host, port: endpoint.port, tls, fetch: async (request) => (await (app ??= loadApp())).fetch(request) });
  } catch (e) {
    throw bindError(e, "--admin-listener-url", endpoint.host, endpoint.port);
  }
  const port = server.port ?? endpoint.port;
  log.info("admin listening", { listener: `${endpoint.host}:${port}`, tls: tls === undefined ? undefined : true, auth: ctx.config.adminAuth ? "required" : undefined });
  return {
    port,
    async stop() {
      await server.stop(true);
    },
  };
}
