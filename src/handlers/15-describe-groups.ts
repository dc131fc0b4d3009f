// DescribeGroups (key 15), v0–5: each group as of now (timers replayed, nothing written). A group
// that does not exist is Dead with no error, as Kafka answers before v6. Members' metadata and
// assignments, and the protocol, are shown only while the group is Stable. v3+ may ask for the
// sender's authorized operations on each group described.
// Authorization: DESCRIBE on each group, else that group answers GROUP_AUTHORIZATION_FAILED.

import { NOT_REQUESTED, authorizedOperations } from "../auth/acl-operations.ts";
import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, readGroup } from "../groups/coordinator.ts";
import { summarize } from "../groups/describe.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeGroupsApi, type DescribeGroupsRequest, type DescribeGroupsResponse } from "../protocol/generated/describe-groups.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  api: DescribeGroupsApi,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const { broker } = ctx;
    const config = groupConfig(broker.config);
    const failed = (groupId: string, errorCode: number) => ({ errorCode, groupId, groupState: "", protocolType: "", protocolData: "", members: [], authorizedOperations: NOT_REQUESTED });
    const groups = await Promise.all(
      request.groups.map(async (groupId) => {
        if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) return failed(groupId, ErrorCodes.GROUP_AUTHORIZATION_FAILED);
        const read = await readGroup(broker.engine, groupId, config);
        if (!read.ok) return failed(groupId, read.errorCode);
        const authorized = request.includeAuthorizedOperations ? authorizedOperations(ctx, ResourceType.GROUP, groupId) : NOT_REQUESTED;
        return { errorCode: ErrorCodes.NONE, groupId, ...summarize(read.group), authorizedOperations: authorized };
      }),
    );
    return { throttleTimeMs: 0, groups };
  },
});
