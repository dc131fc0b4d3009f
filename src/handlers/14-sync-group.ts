// SyncGroup (key 14), v0–5: the leader's assignments complete the rebalance; the other members'
// SyncGroups wait for them and are answered as soon as they are written, on whichever broker.
// v5+ clients must send protocolType and protocolName (INCONSISTENT_GROUP_PROTOCOL otherwise),
// which must match the group's; both are echoed. A SyncGroup cut short by a closed connection or a
// stopping broker answers NOT_COORDINATOR.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { awaitOutcome, groupConfig, updateGroup } from "../groups/coordinator.ts";
import { toBase64 } from "../groups/state.ts";
import { type SyncRequest, type SyncResult, syncError, syncGroup, syncOutcome } from "../groups/sync.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { SyncGroupApi, type SyncGroupRequest, type SyncGroupResponse } from "../protocol/generated/sync-group.ts";
import { defineHandler } from "./handler.ts";

const respond = (r: SyncResult): SyncGroupResponse => ({ throttleTimeMs: 0, ...r });

export default defineHandler<SyncGroupRequest, SyncGroupResponse>({
  api: SyncGroupApi,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const { broker, apiVersion, signal } = ctx;
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return respond(syncError(ErrorCodes.GROUP_AUTHORIZATION_FAILED));
    if (request.groupId === "") return respond(syncError(ErrorCodes.INVALID_GROUP_ID));
    if (apiVersion >= 5 && (request.protocolType === null || request.protocolName === null)) {
      return respond(syncError(ErrorCodes.INCONSISTENT_GROUP_PROTOCOL));
    }
    const config = groupConfig(broker.config);
    const sync: SyncRequest = {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: toBase64(a.assignment) })),
    };
    const applied = await updateGroup(broker.engine, request.groupId, (group, now) => syncGroup(group, sync, now, config));
    if (!applied.ok) return respond(syncError(applied.errorCode));
    if (applied.reply.kind === "done") return respond(applied.reply.result);
    const wait = applied.reply;
    const outcome = await awaitOutcome(broker.engine, request.groupId, config, signal, applied, (group) => syncOutcome(group, wait));
    return respond(outcome.ok ? outcome.value : syncError(outcome.errorCode));
  },
});
