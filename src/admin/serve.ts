// Serves an admin app with Bun.serve on an admin listener (port 0: a free port, logged). The app
// (Hono and every route) loads on the first request: an idle process never holds it.

import type { Endpoint } from "../config.ts";
import type { Fields, Logger } from "../log.ts";
import { bindError } from "../server/bind-error.ts";

export interface AdminServer {
  readonly port: number;
  stop(): Promise<void>;
}

export interface AdminApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** Makes the app; `peer` tells the caller's address of a request. */
export type LoadAdminApp = (peer: (request: Request) => string) => Promise<AdminApp>;

export interface ServeAdminOptions {
  /** Serve https:// with this certificate and key. */
  tls?: { cert: string; key: string };
  /** Logged with the listening address. */
  fields?: Fields;
}

export function serveAdmin(endpoint: Endpoint, load: LoadAdminApp, log: Logger, options: ServeAdminOptions = {}): AdminServer {
  let server: ReturnType<typeof Bun.serve>;
  let app: Promise<AdminApp> | undefined;
  const peer = (request: Request) => server.requestIP(request)?.address ?? "";
  try {
    server = Bun.serve({ hostname: endpoint.host, port: endpoint.port, tls: options.tls, fetch: async (request) => (await (app ??= load(peer))).fetch(request) });
  } catch (e) {
    throw bindError(e, "--admin-listener-url", endpoint.host, endpoint.port);
  }
  const port = server.port ?? endpoint.port;
  log.info("admin listening", { listener: `${endpoint.host}:${port}`, tls: options.tls === undefined ? undefined : true, ...options.fields });
  return {
    port,
    async stop() {
      await server.stop(true);
    },
  };
}
