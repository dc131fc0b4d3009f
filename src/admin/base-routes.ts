// What every admin side-port answers: GET /health while the process runs, and a JSON 404 for any
// path no route takes.

import type { Hono } from "hono/tiny";

export function baseRoutes(app: Hono): void {
  app.get("/health", (c) => c.json({ status: "ok", uptimeSeconds: Math.round(performance.now() / 1000) }));
  app.notFound((c) => c.json({ error: "not found", path: new URL(c.req.url).pathname }, 404));
}
