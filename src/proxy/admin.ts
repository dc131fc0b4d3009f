// The proxy's admin side-port: its app (admin-app.ts) served on --admin-listener-url, as the broker's.

import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";
import { type AdminServer, serveAdmin } from "../admin/serve.ts";
import type { ProxyConfig } from "./config.ts";
import type { ProxyInstruments } from "./instruments.ts";

export function startProxyAdmin(endpoint: Endpoint, config: ProxyConfig, instruments: ProxyInstruments, log: Logger): AdminServer {
  return serveAdmin(endpoint, () => import("./admin-app.ts").then((m) => m.proxyAdminApp(config, instruments)), log);
}
