import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DescribeClusterApi } from "../../src/protocol/generated/index.ts";
import { call, testBroker } from "./broker.ts";

const NOT_REQUESTED = -2147483648;

describe("DescribeCluster", () => {
  test("v0 reports this broker as the whole cluster and its controller", async () => {
    const broker = testBroker(["--cluster-id", "c1", "--node-id", "7"]);
    const response = await call(broker, DescribeClusterApi, 0, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(response).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCodes.NONE,
      errorMessage: null,
      endpointType: 1,
      clusterId: "c1",
      controllerId: 7,
      brokers: [{ brokerId: 7, host: "kafka.example", port: 9092, rack: null }],
      clusterAuthorizedOperations: NOT_REQUESTED,
    });
  });

  test("v1 answers the controllers endpoint type with the same node", async () => {
    const broker = testBroker();
    const response = await call(broker, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 2 });
    expect(response.errorCode).toBe(ErrorCodes.NONE);
    expect(response.endpointType).toBe(2);
    expect(response.brokers.map((b) => b.brokerId)).toEqual([111]);
    expect(response.controllerId).toBe(111);
    expect(response.clusterAuthorizedOperations).toBeGreaterThan(0);
  });

  test("v1 answers an unknown endpoint type with UNSUPPORTED_ENDPOINT_TYPE", async () => {
    const broker = testBroker();
    const response = await call(broker, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 3 });
    expect(response.errorCode).toBe(ErrorCodes.UNSUPPORTED_ENDPOINT_TYPE);
    expect(response.errorMessage).toBe("Unsupported endpoint type 3");
    expect(response.brokers).toEqual([]);
  });
});
