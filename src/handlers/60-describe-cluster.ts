// DescribeCluster (key 60), v0–1. This broker is the whole cluster: the only broker and the
// controller. v1's endpointType 2 (controllers) gets the same node, since this broker also answers
// the controller APIs; an unknown endpointType answers UNSUPPORTED_ENDPOINT_TYPE, as Kafka 3.9 does.

import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeClusterApi, type DescribeClusterRequest, type DescribeClusterResponse } from "../protocol/generated/index.ts";
import { defineHandler } from "./handler.ts";

const BROKERS = 1;
const CONTROLLERS = 2;
/** Kafka's "authorized operations not requested" value. */
const NOT_REQUESTED = -2147483648;
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE (no ACLs yet: all allowed). */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

export default defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  api: DescribeClusterApi,
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker }) {
    const base = { throttleTimeMs: 0, endpointType: request.endpointType, clusterId: broker.config.clusterId };
    if (request.endpointType !== BROKERS && request.endpointType !== CONTROLLERS) {
      return {
        ...base,
        errorCode: ErrorCodes.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: `Unsupported endpoint type ${request.endpointType}`,
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: NOT_REQUESTED,
      };
    }
    const { host, port } = broker.advertised;
    const nodeId = broker.config.nodeId;
    return {
      ...base,
      errorCode: ErrorCodes.NONE,
      errorMessage: null,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host, port, rack: null }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
  },
});
