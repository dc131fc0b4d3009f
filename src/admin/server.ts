// Serves the admin app with Bun.serve on the admin listener (port 0: a free port, logged).

import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";
import { bindError } from "../server/bind-error.ts";
import { adminApp } from "./app.ts";
import type { AdminContext } from "./context.ts";

export interface AdminServer {
  readonly port: number;
  stop(): Promise<void>;
}

export function startAdmin(endpoint: Endpoint, ctx: AdminContext, log: Logger): AdminServer {
  const app = adminApp(ctx);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: endpoint.host, port: endpoint.port, fetch: (request) => app.fetch(request) });
  } catch (e) {
    throw bindError(e, "--admin-listener-url", endpoint.host, endpoint.port);
  }
  const port = server.port ?? endpoint.port;
  log.info("admin listening", { listener: `${endpoint.host}:${port}` });
  return {
    port,
    async stop() {
      await server.stop(true);
    },
  };
}
