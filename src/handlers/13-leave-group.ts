// LeaveGroup (key 13), v0–5. v0–2 name one member and carry its error at the top level; v3+ remove a
// batch of members (KIP-345), each by member id or, for an administrative removal of a static
// member, by groupInstanceId alone with an empty member id.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { type LeavingMember, leaveGroup } from "../groups/membership.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { LeaveGroupApi, type LeaveGroupRequest, type LeaveGroupResponse } from "../protocol/generated/leave-group.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
  api: LeaveGroupApi,
  minVersion: 0,
  maxVersion: 5,
  ordered: true,
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    const leaving: LeavingMember[] = apiVersion >= 3 ? request.members : [{ memberId: request.memberId, groupInstanceId: null }];
    const respond = (errorCode: number, codes: readonly number[]): LeaveGroupResponse => {
      if (apiVersion < 3) return { throttleTimeMs: 0, errorCode: errorCode !== ErrorCodes.NONE ? errorCode : (codes[0] ?? ErrorCodes.NONE), members: [] };
      const members = codes.map((code, i) => ({ memberId: leaving[i]?.memberId ?? "", groupInstanceId: leaving[i]?.groupInstanceId ?? null, errorCode: code }));
      return { throttleTimeMs: 0, errorCode, members };
    };
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return respond(ErrorCodes.GROUP_AUTHORIZATION_FAILED, []);
    if (request.groupId === "") return respond(ErrorCodes.INVALID_GROUP_ID, []);
    const config = groupConfig(broker.config);
    const applied = await updateGroup(broker.engine, request.groupId, (group, now) => leaveGroup(group, leaving, now, config));
    return applied.ok ? respond(ErrorCodes.NONE, applied.reply) : respond(applied.errorCode, []);
  },
});
