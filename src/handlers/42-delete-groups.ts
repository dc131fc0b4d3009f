// DeleteGroups (key 42), v0–2: deletes groups with no members (NON_EMPTY_GROUP otherwise) together
// with their committed offsets; a group that does not exist is GROUP_ID_NOT_FOUND. The delete is
// conditional on the state it checked, so a member joining meanwhile keeps the group.
// Authorization: DELETE on each group, else that group answers GROUP_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, updateGroup } from "../groups/coordinator.ts";
import { settled } from "../groups/timers.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DeleteGroupsApi, type DeleteGroupsRequest, type DeleteGroupsResponse } from "../protocol/generated/delete-groups.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  api: DeleteGroupsApi,
  minVersion: 0,
  maxVersion: 2,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const config = groupConfig(broker.config);
    const results = await Promise.all(
      [...new Set(request.groupsNames)].map(async (groupId) => {
        if (!allowed(ctx, AclOperation.DELETE, ResourceType.GROUP, groupId)) return { groupId, errorCode: ErrorCodes.GROUP_AUTHORIZATION_FAILED };
        const applied = await updateGroup(broker.engine, groupId, (group, now) => {
          if (group === null) return { group, reply: ErrorCodes.GROUP_ID_NOT_FOUND };
          if (settled(group, now, config).state === "Empty") return { group: null, reply: ErrorCodes.NONE };
          return { group, reply: ErrorCodes.NON_EMPTY_GROUP };
        });
        return { groupId, errorCode: applied.ok ? applied.reply : applied.errorCode };
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
