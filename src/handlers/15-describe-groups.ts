// DescribeGroups (key 15), v0–5: each group as of now (timers replayed, nothing written). A group
// that does not exist is Dead with no error, as Kafka answers before v6. Members' metadata and
// assignments, and the protocol, are shown only while the group is Stable. v3+ may ask for the
// authorized operations (no ACLs yet: READ, DELETE and DESCRIBE).

import { groupConfig, readGroup } from "../groups/coordinator.ts";
import { summarize } from "../groups/describe.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeGroupsApi, type DescribeGroupsRequest, type DescribeGroupsResponse } from "../protocol/generated/index.ts";
import { defineHandler } from "./handler.ts";

/** Kafka's "authorized operations not requested" value. */
const NOT_REQUESTED = -2147483648;
const GROUP_OPERATIONS = [3, 6, 8].reduce((bits, op) => bits | (1 << op), 0);

export default defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  api: DescribeGroupsApi,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, { broker }) {
    const config = groupConfig(broker.config);
    const authorizedOperations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED;
    const groups = await Promise.all(
      request.groups.map(async (groupId) => {
        const read = await readGroup(broker.engine, groupId, config);
        if (!read.ok) return { errorCode: read.errorCode, groupId, groupState: "", protocolType: "", protocolData: "", members: [], authorizedOperations };
        return { errorCode: ErrorCodes.NONE, groupId, ...summarize(read.group), authorizedOperations };
      }),
    );
    return { throttleTimeMs: 0, groups };
  },
});
