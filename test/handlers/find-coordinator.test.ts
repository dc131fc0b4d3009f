import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { FindCoordinatorApi } from "../../src/protocol/generated/index.ts";
import { call, testBroker } from "./broker.ts";

describe("FindCoordinator", () => {
  const broker = testBroker(["--node-id", "7"]);

  for (const version of [0, 1, 3]) {
    test(`v${version}: this broker coordinates every group`, async () => {
      const response = await call(broker, FindCoordinatorApi, version, { key: "any-group", keyType: 0, coordinatorKeys: [] });
      expect(response).toMatchObject({ errorCode: 0, nodeId: 7, host: "kafka.example", port: 9092 });
    });
  }

  test("v1+: and every transactional id; unknown key types are INVALID_REQUEST", async () => {
    expect(await call(broker, FindCoordinatorApi, 2, { key: "tx", keyType: 1, coordinatorKeys: [] })).toMatchObject({ errorCode: 0, nodeId: 7 });
    expect(await call(broker, FindCoordinatorApi, 3, { key: "share", keyType: 2, coordinatorKeys: [] })).toMatchObject({ errorCode: ErrorCodes.INVALID_REQUEST, nodeId: -1 });
  });

  for (const version of [4, 6]) {
    test(`v${version}: batched keys, one coordinator each`, async () => {
      const response = await call(broker, FindCoordinatorApi, version, { key: "", keyType: 0, coordinatorKeys: ["g1", "g2"] });
      expect(response.coordinators).toEqual([
        { key: "g1", nodeId: 7, host: "kafka.example", port: 9092, errorCode: 0, errorMessage: null },
        { key: "g2", nodeId: 7, host: "kafka.example", port: 9092, errorCode: 0, errorMessage: null },
      ]);
    });
  }
});
