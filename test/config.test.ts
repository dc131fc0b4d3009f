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
  expect(() => brokerConfig([], { STORAGE_ENGINE: "s3://${BUCKET_NAME}" })).toThrow(new ConfigError("STORAGE_ENGINE: ${BUCKET_NAME} is not set in the environment"));
  expect(brokerConfig(["--cluster-id", "a$b${"], {}).clusterId).toBe("a$b${");
});

test("--wait-for-storage is off by default, on as a bare flag or through WAIT_FOR_STORAGE, and anything but a boolean is an error", () => {
  expect(brokerConfig([], {}).waitForStorage).toBe(false);
  expect(brokerConfig(["--wait-for-storage"], {}).waitForStorage).toBe(true);
  expect(brokerConfig(["--wait-for-storage=false"], { WAIT_FOR_STORAGE: "true" }).waitForStorage).toBe(false);
  expect(brokerConfig([], { WAIT_FOR_STORAGE: "true" }).waitForStorage).toBe(true);
  expect(() => brokerConfig(["--wait-for-storage=soon"], {})).toThrow(new ConfigError('--wait-for-storage: expected true or false, got "soon"'));
});

test("a bad value names where it came from: the flag, or the environment variable", () => {
  expect(() => brokerConfig([], { NODE_ID: "one" })).toThrow(new ConfigError('NODE_ID: not an integer: "one"'));
  expect(() => brokerConfig(["--node-id", "one"], { NODE_ID: "1" })).toThrow(new ConfigError('--node-id: not an integer: "one"'));
  expect(() => brokerConfig([], { LOG_LEVEL: "loud" })).toThrow(new ConfigError('LOG_LEVEL: expected one of error, warn, info, debug, got "loud"'));
  expect(() => brokerConfig([], { AUTO_CREATE_TOPICS_ENABLE: "perhaps" })).toThrow(new ConfigError('AUTO_CREATE_TOPICS_ENABLE: expected true or false, got "perhaps"'));
  expect(() => brokerConfig([], { LISTENER_URL: "9092" })).toThrow(new ConfigError('LISTENER_URL: not a URL: "9092"'));
});

test("a port above 65535 is out of range, not 'not a URL'", () => {
  expect(() => brokerConfig(["--listener-url", "tcp://127.0.0.1:99999"], {})).toThrow(new ConfigError('--listener-url: port 99999 is out of range (0..65535) in "tcp://127.0.0.1:99999"'));
  expect(() => brokerConfig([], { ADMIN_LISTENER_URL: "http://[::1]:70000" })).toThrow(new ConfigError('ADMIN_LISTENER_URL: port 70000 is out of range (0..65535) in "http://[::1]:70000"'));
  expect(brokerConfig(["--listener-url", "tcp://127.0.0.1:65535"], {}).listener.port).toBe(65535);
});

test("an s3 URL without a bucket is refused", () => {
  for (const url of ["s3:/", "s3:///prefix"]) {
    expect(() => brokerConfig(["--storage-engine", url], {})).toThrow(new ConfigError(`--storage-engine: no bucket in ${JSON.stringify(url)} (use s3://bucket or s3://bucket/prefix)`));
  }
});

test("--lake-url takes file:///dir or s3://bucket/prefix and nothing else", () => {
  expect(brokerConfig(["--lake-url", "s3://lake/tables"], {}).lakeUrl?.href).toBe("s3://lake/tables");
  expect(brokerConfig([], { LAKE_URL: "file:///var/lake" }).lakeUrl?.pathname).toBe("/var/lake");
  expect(brokerConfig([], {}).lakeUrl).toBeNull();
  for (const bad of ["http://x/y", "s3:///no-bucket", "lake"]) {
    expect(() => brokerConfig(["--lake-url", bad], {})).toThrow(new ConfigError(`--lake-url: expected file:///dir or s3://bucket/prefix, got ${JSON.stringify(bad)}`));
  }
});
