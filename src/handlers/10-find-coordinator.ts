// FindCoordinator (key 10), v0–6. Every broker is the coordinator of every group and transactional
// id: it names itself (stateless brokers over shared storage; see broker.ts). v4+ batches keys in
// coordinatorKeys. Key types other than group (0) and transaction (1) answer INVALID_REQUEST.

import { ErrorCodes } from "../protocol/errors.ts";
import { FindCoordinatorApi, type FindCoordinatorRequest, type FindCoordinatorResponse } from "../protocol/generated/index.ts";
import { defineHandler } from "./handler.ts";

type Coordinator = FindCoordinatorResponse["coordinators"][number];

const KEY_TYPES = new Set([0, 1]);

export default defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  api: FindCoordinatorApi,
  minVersion: 0,
  maxVersion: 6,
  handle(request, { broker, apiVersion }) {
    const { host, port } = broker.advertised;
    const known = KEY_TYPES.has(request.keyType);
    const answer = (key: string): Coordinator =>
      known
        ? { key, nodeId: broker.config.nodeId, host, port, errorCode: ErrorCodes.NONE, errorMessage: null }
        : { key, nodeId: -1, host: "", port: -1, errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: `Unknown coordinator type ${request.keyType}` };
    if (apiVersion >= 4) {
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, errorMessage: null, nodeId: -1, host: "", port: -1, coordinators: request.coordinatorKeys.map(answer) };
    }
    const c = answer(request.key);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
});
