// The admin HTTP API (Hono): health, readiness, Prometheus metrics and a read-only JSON view of
// topics and groups. Every error is JSON with a status code; storage failures are 503.

import { Hono } from "hono/tiny";
import { StorageError } from "../storage/engine.ts";
import { requireAdminAuth } from "./auth.ts";
import { baseRoutes } from "./base-routes.ts";
import { type AdminContext, DeadlineExceeded } from "./context.ts";
import { groupRoutes } from "./groups.ts";
import { healthRoutes } from "./health.ts";
import { topicRoutes } from "./topics.ts";

/** `peer`: the caller's address (the server knows it; tests may leave it out). */
export function adminApp(ctx: AdminContext, peer: (request: Request) => string = () => ""): Hono {
  const app = new Hono();
  if (ctx.config.adminAuth) {
    requireAdminAuth(app, { engine: ctx.engine, token: ctx.config.adminToken, authorizer: ctx.authorizer, metricsPublic: ctx.config.adminMetricsPublic, peer: (c) => peer(c.req.raw) });
  }
  baseRoutes(app);
  healthRoutes(app, ctx);
  topicRoutes(app, ctx);
  groupRoutes(app, ctx);
  app.onError((e, c) => {
    if (e instanceof StorageError || e instanceof DeadlineExceeded) return c.json({ error: "storage unavailable", reason: e.message }, 503);
    return c.json({ error: "internal error", reason: e.message }, 500);
  });
  return app;
}
