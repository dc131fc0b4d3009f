// FindCoordinator (key 10), v0–6. Every broker is the coordinator of every group and transactional
// id: it names itself (stateless brokers over shared storage; see broker.ts). v4+ batches keys in
// coordinatorKeys. Key types other than group (0) and transaction (1) answer INVALID_REQUEST.
// Authorization: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED) or on the transactional id
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), per key.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { FindCoordinatorApi, type FindCoordinatorRequest, type FindCoordinatorResponse } from "../protocol/generated/find-coordinator.ts";
import { defineHandler } from "./handler.ts";

type Coordinator = FindCoordinatorResponse["coordinators"][number];

/** The resource a key names (group 0, transaction 1) and the error its sender may not describe it with. */
const KEY_RESOURCES = new Map([
  [0, { resourceType: ResourceType.GROUP, refused: ErrorCodes.GROUP_AUTHORIZATION_FAILED }],
  [1, { resourceType: ResourceType.TRANSACTIONAL_ID, refused: ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }],
]);

export default defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  api: FindCoordinatorApi,
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const { broker, apiVersion, listener } = ctx;
    const { host, port } = (listener ?? broker).advertised;
    const resource = KEY_RESOURCES.get(request.keyType);
    const answer = (key: string): Coordinator => {
      if (resource === undefined) return { key, nodeId: -1, host: "", port: -1, errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: `Unknown coordinator type ${request.keyType}` };
      if (!allowed(ctx, AclOperation.DESCRIBE, resource.resourceType, key)) return { key, nodeId: -1, host: "", port: -1, errorCode: resource.refused, errorMessage: null };
      return { key, nodeId: broker.config.nodeId, host, port, errorCode: ErrorCodes.NONE, errorMessage: null };
    };
    if (apiVersion >= 4) {
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, errorMessage: null, nodeId: -1, host: "", port: -1, coordinators: request.coordinatorKeys.map(answer) };
    }
    const c = answer(request.key);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
});
