import { expect, test } from "bun:test";
import { brokerConfig, ConfigError } from "../src/config.ts";

test("${NAME} in a setting is replaced by that environment variable (Fly.io's [env] cannot interpolate)", () => {
  const env = { STORAGE_ENGINE: "s3://${BUCKET_NAME}/tansu", BUCKET_NAME: "orders", ADVERTISED_LISTENER_URL: "tcp://${FLY_APP_NAME}.flycast:9092/", FLY_APP_NAME: "tansu-demo" };
  const config = brokerConfig([], env);
  expect(config.storageEngine.href).toBe("s3://orders/tansu");
  expect(config.advertisedListener).toEqual({ host: "tansu-demo.flycast", port: 9092 });
  expect(brokerConfig(["--cluster-id", "${BUCKET_NAME}-${BUCKET_NAME}"], env).clusterId).toBe("orders-orders");
});

test("a reference to an unset variable is a configuration error naming it; a lone $ is kept", () => {
  expect(() => brokerConfig([], { STORAGE_ENGINE: "s3://${BUCKET_NAME}" })).toThrow(new ConfigError("--storage-engine: ${BUCKET_NAME} is not set in the environment"));
  expect(brokerConfig(["--cluster-id", "a$b${"], {}).clusterId).toBe("a$b${");
});

test("--wait-for-storage is off by default, on as a bare flag or through WAIT_FOR_STORAGE, and anything but a boolean is an error", () => {
  expect(brokerConfig([], {}).waitForStorage).toBe(false);
  expect(brokerConfig(["--wait-for-storage"], {}).waitForStorage).toBe(true);
  expect(brokerConfig(["--wait-for-storage=false"], { WAIT_FOR_STORAGE: "true" }).waitForStorage).toBe(false);
  expect(brokerConfig([], { WAIT_FOR_STORAGE: "true" }).waitForStorage).toBe(true);
  expect(() => brokerConfig(["--wait-for-storage=soon"], {})).toThrow(new ConfigError('--wait-for-storage: expected true or false, got "soon"'));
});
