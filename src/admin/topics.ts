// GET /api/topics: every topic. GET /api/topics/:name: one topic with each partition's offsets,
// the bytes its batches take in the store, what this broker's retention checks last did and, with
// --lake-url, each lake table's lag and the error that stopped its export, if any.

import type { Hono } from "hono/tiny";
import { errorName } from "../protocol/errors.ts";
import type { PartitionProgress } from "../retention/progress.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { offsetsBehind, secondsBehind } from "../lake/progress.ts";
import { type AdminContext, withDeadline } from "./context.ts";

const summary = (t: TopicInfo) => ({ name: t.name, topicId: t.topicId, partitions: t.partitionCount, replicationFactor: t.replicationFactor, configs: t.configs });

/** null until this broker's first retention check of the partition. */
function cleanupView(p: PartitionProgress | undefined) {
  if (p === undefined) return null;
  const compaction = p.lastCompactionMs === null ? null : { passes: p.compactionRuns, removedRecords: p.removedRecords, lastPassMs: Math.round(p.lastCompactionMs) };
  return { checkedAt: new Date(p.checkedAt).toISOString(), compaction };
}

export function topicRoutes(app: Hono, ctx: AdminContext): void {
  app.get("/api/topics", async (c) => {
    const topics = await withDeadline(ctx.engine.listTopics());
    return c.json({ topics: topics.sort((a, b) => a.name.localeCompare(b.name)).map(summary) });
  });
  app.get("/api/topics/:name", async (c) => {
    const name = c.req.param("name");
    const topic = await withDeadline(ctx.engine.getTopic(name));
    if (topic === null) return c.json({ error: "not found", reason: `no topic ${JSON.stringify(name)}` }, 404);
    const partitions = await withDeadline(
      Promise.all(
        Array.from({ length: topic.partitionCount }, async (_, partition) => {
          const [o, r] = await Promise.all([ctx.engine.offsets(topic.name, partition), ctx.engine.retained(topic.name, partition)]);
          if (o.errorCode !== 0) return { partition, error: errorName(o.errorCode) };
          if (r.errorCode !== 0) return { partition, error: errorName(r.errorCode) };
          const offsets = { logStartOffset: o.logStartOffset, highWatermark: o.highWatermark, lastStableOffset: o.lastStableOffset };
          return { partition, ...offsets, retainedBytes: r.retainedBytes, batches: r.batchCount, cleanup: cleanupView(ctx.cleanup.get(topic.name, partition)) };
        }),
      ),
    );
    const now = Date.now();
    const lake = ctx.lake?.forTopic(topic.name).map((t) => ({
      format: t.format,
      location: t.location,
      exportedRows: t.exportedRows,
      commits: t.commits,
      error: t.error,
      checkedAt: t.checkedAt === 0 ? null : new Date(t.checkedAt).toISOString(),
      partitions: [...t.partitions].map(([partition, p]) => ({ partition, tableOffset: p.tableOffset, offsetsBehind: offsetsBehind(p), secondsBehind: secondsBehind(p, now) })),
    }));
    return c.json({ ...summary(topic), partitions, ...(lake === undefined ? {} : { lake }) });
  });
}
