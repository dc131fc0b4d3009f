// DescribeCluster (key 60), v0–1. This broker is the whole cluster: the only broker and the
// controller. v1's endpointType 2 (controllers) gets the same node, since this broker also answers
// the controller APIs; an unknown endpointType answers UNSUPPORTED_ENDPOINT_TYPE, as Kafka 3.9 does.
// Authorization: as in Kafka, anyone may ask; the cluster's authorized operations, when asked for,
// are the sender's and need DESCRIBE on the cluster (0 otherwise).

import { NOT_REQUESTED, clusterOperations } from "../auth/acl-operations.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeClusterApi, type DescribeClusterRequest, type DescribeClusterResponse } from "../protocol/generated/describe-cluster.ts";
import { defineHandler } from "./handler.ts";

const BROKERS = 1;
const CONTROLLERS = 2;

export default defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  api: DescribeClusterApi,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { broker, listener } = ctx;
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
    const { host, port } = (listener ?? broker).advertised;
    const nodeId = broker.config.nodeId;
    return {
      ...base,
      errorCode: ErrorCodes.NONE,
      errorMessage: null,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host, port, rack: null }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? clusterOperations(ctx) : NOT_REQUESTED,
    };
  },
});
