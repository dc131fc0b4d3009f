// ListGroups (key 16), v0–5: every group in storage, in its state as of now (timers replayed,
// nothing written). v4+ filters by state and v5+ by type, both case-insensitively; every group
// here is a classic group.
// Authorization: with DESCRIBE on the cluster every group is listed; otherwise only the groups the
// sender may DESCRIBE.

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, parseGroup } from "../groups/coordinator.ts";
import { settled } from "../groups/timers.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { ListGroupsApi, type ListGroupsRequest, type ListGroupsResponse } from "../protocol/generated/list-groups.ts";
import { StorageError } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

const GROUP_TYPE = "classic";

const wanted = (filter: readonly string[], value: string) => filter.length === 0 || filter.some((f) => f.toLowerCase() === value.toLowerCase());

export default defineHandler<ListGroupsRequest, ListGroupsResponse>({
  api: ListGroupsApi,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const { broker } = ctx;
    const everyGroup = allowed(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME);
    const describable = (groupId: string) => everyGroup || allowed(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId);
    if (!wanted(request.typesFilter, GROUP_TYPE)) return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, groups: [] };
    const config = groupConfig(broker.config);
    try {
      const now = Date.now();
      const groups = (await broker.engine.listGroups())
        .filter((stored) => describable(stored.groupId))
        .map((stored) => ({ groupId: stored.groupId, group: settled(parseGroup(stored), now, config) }))
        .filter(({ group }) => wanted(request.statesFilter, group.state))
        .map(({ groupId, group }) => ({ groupId, protocolType: group.protocolType ?? "", groupState: group.state, groupType: GROUP_TYPE }));
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, groups };
    } catch (e) {
      if (!(e instanceof StorageError)) throw e;
      return { throttleTimeMs: 0, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE, groups: [] };
    }
  },
});
