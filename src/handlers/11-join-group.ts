// JoinGroup (key 11), v0–9: the classic rebalance protocol of src/groups. Group state lives in
// storage, so the members of a group may each talk to a different broker; a JoinGroup waiting for
// the rebalance is answered as soon as the state completing it is written, on whichever broker.
// v0 has no rebalance timeout: the session timeout is both. v4+: a dynamic member's first join gets
// MEMBER_ID_REQUIRED with its member id (clientId-UUID). v5+: static membership (groupInstanceId).
// v7+ echo protocolType and protocolName. v9: skipAssignment for a static leader rejoining (KIP-814).
// A JoinGroup cut short by a closed connection or a stopping broker answers NOT_COORDINATOR.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { groupConfig, awaitOutcome, updateGroup } from "../groups/coordinator.ts";
import { type JoinRequest, type JoinResult, joinError, joinGroup, joinOutcome } from "../groups/join.ts";
import { toBase64 } from "../groups/state.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { JoinGroupApi, type JoinGroupRequest, type JoinGroupResponse } from "../protocol/generated/join-group.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<JoinGroupRequest, JoinGroupResponse>({
  api: JoinGroupApi,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const { broker, header, apiVersion, signal, clientAddress } = ctx;
    const respond = (r: JoinResult): JoinGroupResponse => ({
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // before v7 the name is not nullable
      protocolName: apiVersion >= 7 ? r.protocolName : (r.protocolName ?? ""),
      leader: r.leader,
      skipAssignment: r.skipAssignment,
      memberId: r.memberId,
      members: r.members,
    });
    if (!allowed(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return respond(joinError(request.memberId, ErrorCodes.GROUP_AUTHORIZATION_FAILED));
    if (request.groupId === "") return respond(joinError(request.memberId, ErrorCodes.INVALID_GROUP_ID));
    const config = groupConfig(broker.config);
    const clientId = header.clientId ?? "";
    const join: JoinRequest = {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      clientId,
      clientHost: clientAddress === undefined ? "" : `/${clientAddress}`,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: apiVersion === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: toBase64(p.metadata) })),
      requireKnownMemberId: apiVersion >= 4 && request.groupInstanceId === null,
      supportsSkipAssignment: apiVersion >= 9,
      newMemberId: `${request.groupInstanceId ?? clientId}-${crypto.randomUUID()}`,
    };
    const applied = await updateGroup(broker.engine, request.groupId, (group, now) => joinGroup(group, join, now, config));
    if (!applied.ok) return respond(joinError(request.memberId, applied.errorCode));
    if (applied.reply.kind === "done") return respond(applied.reply.result);
    const wait = applied.reply;
    const outcome = await awaitOutcome(broker.engine, request.groupId, config, signal, applied, (group) => joinOutcome(group, wait));
    return respond(outcome.ok ? outcome.value : joinError(wait.memberId, outcome.errorCode));
  },
});
