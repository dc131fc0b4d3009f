// GET /api/groups: every consumer group in its state as of now (timers replayed, nothing written).
// GET /api/groups/:id: members with their assignments, committed offsets with the lag behind each
// partition's high watermark.

import type { Hono } from "hono/tiny";
import { groupConfig, parseGroup } from "../groups/coordinator.ts";
import { type GroupState, fromBase64 } from "../groups/state.ts";
import { settled } from "../groups/timers.ts";
import type { CommittedOffset, StoredGroup } from "../storage/engine.ts";
import { decodeAssignment } from "./assignment.ts";
import { type AdminContext, withDeadline } from "./context.ts";

function current(ctx: AdminContext, stored: StoredGroup): GroupState {
  return settled(parseGroup(stored), Date.now(), groupConfig(ctx.config));
}

function members(group: GroupState) {
  return group.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    assignment: group.protocolType === "consumer" ? decodeAssignment(fromBase64(m.assignment)) : null,
    assignmentBase64: m.assignment,
  }));
}

async function offsetsWithLag(ctx: AdminContext, committed: readonly CommittedOffset[]) {
  const watermarks = new Map<string, Promise<number | null>>();
  const highWatermark = (topic: string, partition: number) => {
    const key = `${topic}\0${partition}`;
    let hw = watermarks.get(key);
    if (hw === undefined) {
      hw = ctx.engine.offsets(topic, partition).then((o) => (o.errorCode === 0 ? o.highWatermark : null));
      watermarks.set(key, hw);
    }
    return hw;
  };
  const rows = await Promise.all(
    committed.map(async (o) => {
      const hw = await highWatermark(o.topic, o.partition);
      const lag = hw === null || o.offset < 0 ? null : Math.max(hw - o.offset, 0);
      return { topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp, highWatermark: hw, lag };
    }),
  );
  return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export function groupRoutes(app: Hono, ctx: AdminContext): void {
  app.get("/api/groups", async (c) => {
    const stored = await withDeadline(ctx.engine.listGroups());
    const groups = stored
      .map((s) => ({ groupId: s.groupId, group: current(ctx, s) }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
      .map(({ groupId, group }) => ({ groupId, state: group.state, protocolType: group.protocolType, protocol: group.protocolName, generationId: group.generationId, members: group.members.length }));
    return c.json({ groups });
  });
  app.get("/api/groups/:id", async (c) => {
    const groupId = c.req.param("id");
    const [stored, committed] = await withDeadline(Promise.all([ctx.engine.getGroup(groupId), ctx.engine.fetchOffsets(groupId, null)]));
    if (stored === null && committed.length === 0) return c.json({ error: "not found", reason: `no group ${JSON.stringify(groupId)}` }, 404);
    const group = stored === null ? null : current(ctx, stored);
    return c.json({
      groupId,
      // a group known only by its committed offsets is Empty, as Kafka describes it
      state: group?.state ?? "Empty",
      protocolType: group?.protocolType ?? null,
      protocol: group?.protocolName ?? null,
      generationId: group?.generationId ?? 0,
      leader: group?.leaderId ?? null,
      members: group === null ? [] : members(group),
      offsets: await withDeadline(offsetsWithLag(ctx, committed)),
    });
  });
}
