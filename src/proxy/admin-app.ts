// The proxy's admin HTTP API (Hono): GET /health while the process runs, GET /ready while an
// upstream broker can be reached (503 with the reason if not), GET /metrics as Prometheus text.

import { Hono } from "hono/tiny";
import { formatAddress } from "../client/address.ts";
import { baseRoutes } from "../admin/base-routes.ts";
import { CONTENT_TYPE } from "../admin/metrics/exposition.ts";
import type { ProxyConfig } from "./config.ts";
import type { ProxyInstruments } from "./instruments.ts";
import { renderProxyMetrics } from "./metrics-render.ts";

export function proxyAdminApp(config: ProxyConfig, instruments: ProxyInstruments): Hono {
  const app = new Hono();
  const upstream = config.upstream.map(formatAddress).join(",");
  baseRoutes(app);
  app.get("/ready", (c) => {
    const { ready, reason } = instruments.readiness;
    return ready ? c.json({ status: "ready", upstream }) : c.json({ status: "unavailable", upstream, reason }, 503);
  });
  app.get("/metrics", (c) => c.body(renderProxyMetrics(instruments), 200, { "content-type": CONTENT_TYPE }));
  app.onError((e, c) => c.json({ error: "internal error", reason: e.message }, 500));
  return app;
}
