// GET /ready: storage answers a ping (503 with the reason if not).
// GET /metrics: Prometheus text, with group gauges read from storage at scrape time.

import type { Hono } from "hono/tiny";
import { groupConfig, parseGroup } from "../groups/coordinator.ts";
import { settled } from "../groups/timers.ts";
import { type AdminContext, withDeadline } from "./context.ts";
import { CONTENT_TYPE } from "./metrics/exposition.ts";
import { type GroupCounts, renderMetrics } from "./metrics/render.ts";

async function groupCounts(ctx: AdminContext): Promise<GroupCounts | null> {
  try {
    const stored = await withDeadline(ctx.engine.listGroups());
    const now = Date.now();
    const config = groupConfig(ctx.config);
    const counts: GroupCounts = { byState: new Map(), members: 0 };
    for (const s of stored) {
      const g = settled(parseGroup(s), now, config);
      counts.byState.set(g.state, (counts.byState.get(g.state) ?? 0) + 1);
      counts.members += g.members.length;
    }
    return counts;
  } catch {
    return null;
  }
}

export function healthRoutes(app: Hono, ctx: AdminContext): void {
  app.get("/ready", async (c) => {
    try {
      await withDeadline(ctx.engine.ping());
      return c.json({ status: "ready", storage: ctx.engine.description });
    } catch (e) {
      return c.json({ status: "unavailable", storage: ctx.engine.description, reason: e instanceof Error ? e.message : String(e) }, 503);
    }
  });
  app.get("/metrics", async (c) => {
    const text = renderMetrics(ctx.metrics, await groupCounts(ctx), ctx.cleanup, ctx.lake);
    return c.body(text, 200, { "content-type": CONTENT_TYPE });
  });
}
