import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  IncrementalAlterConfigsApi,
  type IncrementalAlterConfigsRequestAlterableConfig,
  type IncrementalAlterConfigsRequestAlterConfigsResource,
  type IncrementalAlterConfigsResponse,
} from "../../src/protocol/generated/index.ts";
import { call, testBroker } from "./broker.ts";

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

async function withTopic(configs: Record<string, string> = {}): Promise<Broker> {
  const broker = testBroker();
  await broker.engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs });
  return broker;
}

function op(name: string, configOperation: number, value: string | null): IncrementalAlterConfigsRequestAlterableConfig {
  return { name, configOperation, value };
}

function resource(resourceType: number, resourceName: string, configs: IncrementalAlterConfigsRequestAlterableConfig[]): IncrementalAlterConfigsRequestAlterConfigsResource {
  return { resourceType, resourceName, configs };
}

function alter(broker: Broker, version: number, resources: IncrementalAlterConfigsRequestAlterConfigsResource[], validateOnly = false) {
  return call(broker, IncrementalAlterConfigsApi, version, { resources, validateOnly });
}

function alterTopic(broker: Broker, ops: IncrementalAlterConfigsRequestAlterableConfig[], validateOnly = false) {
  return alter(broker, 1, [resource(TOPIC, "t", ops)], validateOnly);
}

function outcome(response: IncrementalAlterConfigsResponse): [number, string | null] {
  const [r] = response.responses;
  if (r === undefined) throw new Error("no response");
  return [r.errorCode, r.errorMessage];
}

const configsOf = async (broker: Broker) => (await broker.engine.getTopic("t"))?.configs;

describe("IncrementalAlterConfigs on topics", () => {
  for (const version of [0, 1]) {
    test(`v${version} SET and DELETE change the topic's own configs`, async () => {
      const broker = await withTopic({ "cleanup.policy": "compact" });
      const response = await alter(broker, version, [resource(TOPIC, "t", [op("retention.ms", SET, "1000"), op("cleanup.policy", DELETE, null)])]);
      expect(response.responses).toEqual([{ errorCode: ErrorCodes.NONE, errorMessage: null, resourceType: TOPIC, resourceName: "t" }]);
      expect(await configsOf(broker)).toEqual({ "retention.ms": "1000" });
    });
  }

  test("APPEND and SUBTRACT work on the effective value of LIST configs", async () => {
    const broker = await withTopic();
    expect(outcome(await alterTopic(broker, [op("cleanup.policy", APPEND, "compact")]))).toEqual([ErrorCodes.NONE, null]);
    expect(await configsOf(broker)).toEqual({ "cleanup.policy": "delete,compact" });
    expect(outcome(await alterTopic(broker, [op("cleanup.policy", APPEND, "compact")]))).toEqual([ErrorCodes.NONE, null]);
    expect(await configsOf(broker)).toEqual({ "cleanup.policy": "delete,compact" });
    expect(outcome(await alterTopic(broker, [op("cleanup.policy", SUBTRACT, "delete")]))).toEqual([ErrorCodes.NONE, null]);
    expect(await configsOf(broker)).toEqual({ "cleanup.policy": "compact" });
  });

  test("APPEND or SUBTRACT on a config that is not a LIST answers INVALID_CONFIG and changes nothing", async () => {
    const broker = await withTopic();
    const [code, message] = outcome(await alterTopic(broker, [op("retention.ms", SET, "5"), op("segment.ms", APPEND, "1")]));
    expect(code).toBe(ErrorCodes.INVALID_CONFIG);
    expect(message).toBe("Can't APPEND to key segment.ms because its type is not LIST.");
    expect(outcome(await alterTopic(broker, [op("segment.ms", SUBTRACT, "1")]))[1]).toBe("Can't SUBTRACT to key segment.ms because its type is not LIST.");
    expect(await configsOf(broker)).toEqual({});
  });

  test("unknown names and invalid values answer INVALID_CONFIG", async () => {
    const broker = await withTopic();
    expect(outcome(await alterTopic(broker, [op("retention.mss", SET, "5")]))).toEqual([ErrorCodes.INVALID_CONFIG, "unknown topic config retention.mss"]);
    expect(outcome(await alterTopic(broker, [op("compression.type", SET, "brotli")]))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(outcome(await alterTopic(broker, [op("cleanup.policy", SUBTRACT, "delete")]))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(outcome(await alterTopic(broker, [op("no.such", APPEND, "x")]))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(await configsOf(broker)).toEqual({});
  });

  test("tansu.lake.format takes a list of parquet, iceberg and delta, each once; APPEND adds a format", async () => {
    const broker = await withTopic();
    expect(outcome(await alterTopic(broker, [op("tansu.lake.format", SET, "iceberg")]))).toEqual([ErrorCodes.NONE, null]);
    expect(outcome(await alterTopic(broker, [op("tansu.lake.format", APPEND, "delta")]))).toEqual([ErrorCodes.NONE, null]);
    expect(await configsOf(broker)).toEqual({ "tansu.lake.format": "iceberg,delta" });
    expect(outcome(await alterTopic(broker, [op("tansu.lake.format", SET, "iceberg,orc")]))).toEqual([ErrorCodes.INVALID_CONFIG, 'tansu.lake.format takes a comma-separated list of parquet, iceberg, delta, not "orc"']);
    expect(outcome(await alterTopic(broker, [op("tansu.lake.format", SET, "delta,delta")]))).toEqual([ErrorCodes.INVALID_CONFIG, "tansu.lake.format names an item twice"]);
    expect(outcome(await alterTopic(broker, [op("tansu.lake.partition", SET, "hour")]))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(outcome(await alterTopic(broker, [op("tansu.lake.flush.ms", SET, "0")]))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(await configsOf(broker)).toEqual({ "tansu.lake.format": "iceberg,delta" });
  });

  test("DELETE of a key the topic does not set succeeds and changes nothing, as in Kafka", async () => {
    const broker = await withTopic({ "retention.ms": "1" });
    expect(outcome(await alterTopic(broker, [op("no.such.config", DELETE, null), op("segment.ms", DELETE, null)]))).toEqual([ErrorCodes.NONE, null]);
    expect(await configsOf(broker)).toEqual({ "retention.ms": "1" });
  });

  test("malformed operations answer INVALID_REQUEST", async () => {
    const broker = await withTopic();
    expect(outcome(await alterTopic(broker, [op("retention.ms", SET, null)]))).toEqual([ErrorCodes.INVALID_REQUEST, "Null value not supported for : retention.ms"]);
    expect(outcome(await alterTopic(broker, [op("retention.ms", SET, "1"), op("retention.ms", DELETE, null)]))).toEqual([ErrorCodes.INVALID_REQUEST, "Error due to duplicate config keys"]);
    expect(outcome(await alterTopic(broker, [op("retention.ms", 7, "1")]))[0]).toBe(ErrorCodes.INVALID_REQUEST);
    expect(await configsOf(broker)).toEqual({});
  });

  test("validateOnly checks and changes nothing", async () => {
    const broker = await withTopic();
    expect(outcome(await alterTopic(broker, [op("retention.ms", SET, "1000")], true))).toEqual([ErrorCodes.NONE, null]);
    expect(outcome(await alterTopic(broker, [op("retention.ms", SET, "x")], true))[0]).toBe(ErrorCodes.INVALID_CONFIG);
    expect(await configsOf(broker)).toEqual({});
  });

  test("unknown, illegal and default topic resources", async () => {
    const broker = testBroker();
    const response = await alter(broker, 1, [resource(TOPIC, "missing", [op("retention.ms", SET, "1")]), resource(TOPIC, "a b", []), resource(TOPIC, "", [])]);
    expect(response.responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
      ["missing", ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION],
      ["a b", ErrorCodes.INVALID_TOPIC_EXCEPTION],
      ["", ErrorCodes.INVALID_REQUEST],
    ]);
  });

  test("a resource named twice answers INVALID_REQUEST for each entry and changes nothing", async () => {
    const broker = await withTopic();
    const response = await alter(broker, 1, [resource(TOPIC, "t", [op("retention.ms", SET, "1")]), resource(TOPIC, "t", [op("segment.ms", SET, "1")])]);
    expect(response.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCodes.INVALID_REQUEST, "Each resource must appear at most once."],
      [ErrorCodes.INVALID_REQUEST, "Each resource must appear at most once."],
    ]);
    expect(await configsOf(broker)).toEqual({});
  });
});

describe("IncrementalAlterConfigs on the broker", () => {
  test("broker settings are static: changes answer INVALID_REQUEST naming them", async () => {
    const broker = testBroker();
    const response = await alter(broker, 1, [
      resource(BROKER, "111", [op("num.partitions", SET, "3"), op("log.retention.ms", DELETE, null)]),
      resource(BROKER, "", [op("num.partitions", SET, "3")]),
      resource(BROKER_LOGGER, "111", [op("root", SET, "DEBUG")]),
    ]);
    expect(response.responses.map((r) => r.errorCode)).toEqual([ErrorCodes.INVALID_REQUEST, ErrorCodes.INVALID_REQUEST, ErrorCodes.INVALID_REQUEST]);
    expect(response.responses[0]?.errorMessage).toMatch(/^Cannot update these configs dynamically: num.partitions, log.retention.ms/);
    expect(response.responses[2]?.errorMessage).toMatch(/LOG_LEVEL/);
  });

  test("another broker's id is INVALID_REQUEST; no changes at all succeed", async () => {
    const broker = testBroker();
    const response = await alter(broker, 0, [resource(BROKER, "7", []), resource(BROKER, "111", []), resource(BROKER_LOGGER, "", [])]);
    expect(response.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCodes.INVALID_REQUEST, "Unexpected broker id, expected 111, but received 7"],
      [ErrorCodes.NONE, null],
      [ErrorCodes.INVALID_REQUEST, "Broker id must not be empty"],
    ]);
  });

  test("an unknown resource type answers INVALID_REQUEST", async () => {
    const broker = testBroker();
    expect(outcome(await alter(broker, 1, [resource(99, "x", [])]))).toEqual([ErrorCodes.INVALID_REQUEST, "Unknown resource type 99"]);
  });
});
