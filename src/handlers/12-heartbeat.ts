// Heartbeat (key 12), v0–4: renews the member's session. A group preparing a rebalance answers
// REBALANCE_IN_PROGRESS, which tells the member to rejoin. Session expiry of other members is
// evaluated on the way (src/groups/timers.ts), so heartbeats also notice members that died.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { heartbeat } from "../groups/membership.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { HeartbeatApi, type HeartbeatRequest, type HeartbeatResponse } from "../protocol/generated/heartbeat.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<HeartbeatRequest, HeartbeatResponse>({
  api: HeartbeatApi,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const { broker } = ctx;
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCodes.GROUP_AUTHORIZATION_FAILED };
    if (request.groupId === "") return { throttleTimeMs: 0, errorCode: ErrorCodes.INVALID_GROUP_ID };
    const config = groupConfig(broker.config);
    const applied = await updateGroup(broker.engine, request.groupId, (group, now) => heartbeat(group, request, now, config));
    return { throttleTimeMs: 0, errorCode: applied.ok ? applied.reply : applied.errorCode };
  },
});
