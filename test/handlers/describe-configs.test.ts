import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DescribeConfigsApi, type DescribeConfigsRequestDescribeConfigsResource, type DescribeConfigsResponse } from "../../src/protocol/generated/index.ts";
import { TOPIC_CONFIGS } from "../../src/topics/configs.ts";
import { asSeenAt, call, testBroker } from "./broker.ts";

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;

async function withTopic(configs: Record<string, string> = {}): Promise<Broker> {
  const broker = testBroker();
  await broker.engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs });
  return broker;
}

function resource(resourceType: number, resourceName: string, configurationKeys: string[] | null = null): DescribeConfigsRequestDescribeConfigsResource {
  return { resourceType, resourceName, configurationKeys };
}

function describeConfigs(broker: Broker, version: number, resources: DescribeConfigsRequestDescribeConfigsResource[], includeSynonyms = false, includeDocumentation = false) {
  return call(broker, DescribeConfigsApi, version, { resources, includeSynonyms, includeDocumentation });
}

function first(response: DescribeConfigsResponse) {
  const [result] = response.results;
  if (result === undefined) throw new Error("no result");
  return result;
}

function entry(response: DescribeConfigsResponse, name: string) {
  return first(response).configs.find((c) => c.name === name);
}

describe("DescribeConfigs for topics", () => {
  test("v4 lists every topic config with its source and type, no synonyms or docs unless asked", async () => {
    const broker = await withTopic({ "retention.ms": "1000" });
    const response = await describeConfigs(broker, 4, [resource(TOPIC, "t")]);
    const result = first(response);
    expect(result).toMatchObject({ errorCode: ErrorCodes.NONE, errorMessage: null, resourceType: TOPIC, resourceName: "t" });
    expect(result.configs.map((c) => c.name)).toEqual(TOPIC_CONFIGS.map((c) => c.name).sort());
    expect(entry(response, "retention.ms")).toMatchObject({ value: "1000", readOnly: false, configSource: 1, isSensitive: false, synonyms: [], configType: 5, documentation: null });
    expect(entry(response, "segment.ms")).toMatchObject({ value: "604800000", configSource: 5, configType: 5 });
    expect(entry(response, "cleanup.policy")?.configType).toBe(7);
    expect(entry(response, "preallocate")?.configType).toBe(1);
    expect(entry(response, "compression.type")?.configType).toBe(2);
    expect(entry(response, "max.message.bytes")).toMatchObject({ value: String(broker.config.messageMaxBytes), configType: 3 });
    expect(entry(response, "min.cleanable.dirty.ratio")?.configType).toBe(6);
  });

  test("synonyms list the topic's own value, then the default under Kafka's broker name; docs when asked", async () => {
    const broker = await withTopic({ "retention.ms": "1000" });
    const response = await describeConfigs(broker, 4, [resource(TOPIC, "t")], true, true);
    expect(entry(response, "retention.ms")?.synonyms).toEqual([
      { name: "retention.ms", value: "1000", source: 1 },
      { name: "log.retention.ms", value: "604800000", source: 5 },
    ]);
    expect(entry(response, "max.message.bytes")?.synonyms).toEqual([{ name: "message.max.bytes", value: String(broker.config.messageMaxBytes), source: 5 }]);
    expect(entry(response, "tansu.lake.sink")?.synonyms).toEqual([{ name: "tansu.lake.sink", value: "false", source: 5 }]);
    expect(entry(response, "retention.ms")?.documentation).toMatch(/kept/);
  });

  test("v0 reports isDefault", async () => {
    const broker = await withTopic({ "retention.ms": "1000" });
    const response = asSeenAt(DescribeConfigsApi, 0, await describeConfigs(broker, 0, [resource(TOPIC, "t")]));
    expect(entry(response, "retention.ms")).toMatchObject({ value: "1000", isDefault: false });
    expect(entry(response, "segment.ms")).toMatchObject({ isDefault: true });
  });

  test("configurationKeys select configs; unknown keys are left out", async () => {
    const broker = await withTopic();
    for (const version of [1, 4]) {
      const response = await describeConfigs(broker, version, [resource(TOPIC, "t", ["retention.ms", "no.such.config", "cleanup.policy"])]);
      expect(first(response).configs.map((c) => c.name)).toEqual(["cleanup.policy", "retention.ms"]);
    }
  });

  test("an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION and an illegal name INVALID_TOPIC_EXCEPTION", async () => {
    const broker = testBroker();
    const response = await describeConfigs(broker, 4, [resource(TOPIC, "missing"), resource(TOPIC, "bad/name")]);
    expect(response.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ["missing", ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ["bad/name", ErrorCodes.INVALID_TOPIC_EXCEPTION, 0],
    ]);
  });
});

describe("DescribeConfigs for the broker", () => {
  test("this broker's settings are read-only STATIC_BROKER_CONFIG", async () => {
    const broker = testBroker(["--num-partitions", "3"]);
    const response = await describeConfigs(broker, 4, [resource(BROKER, String(broker.config.nodeId))], true);
    expect(first(response).errorCode).toBe(ErrorCodes.NONE);
    const values = Object.fromEntries(first(response).configs.map((c) => [c.name, c.value]));
    expect(values).toMatchObject({
      "broker.id": "111",
      "node.id": "111",
      "num.partitions": "3",
      "default.replication.factor": "1",
      "auto.create.topics.enable": "true",
      "message.max.bytes": "1048588",
      "socket.request.max.bytes": "104857600",
      "log.retention.ms": "604800000",
      "log.cleanup.policy": "delete",
      "advertised.listeners": "PLAINTEXT://kafka.example:9092",
      "group.initial.rebalance.delay.ms": "3000",
      "group.min.session.timeout.ms": "6000",
      "group.max.session.timeout.ms": "1800000",
    });
    for (const c of first(response).configs) {
      expect(c).toMatchObject({ readOnly: true, configSource: 4, isSensitive: false });
      expect(c.synonyms).toEqual([{ name: c.name, value: c.value, source: 4 }]);
    }
    expect(entry(response, "num.partitions")?.configType).toBe(3);
    expect(entry(response, "auto.create.topics.enable")?.configType).toBe(1);
  });

  test("configurationKeys select broker settings", async () => {
    const broker = testBroker();
    const response = await describeConfigs(broker, 0, [resource(BROKER, "111", ["log.retention.ms", "unknown.setting"])]);
    expect(first(asSeenAt(DescribeConfigsApi, 0, response)).configs).toEqual([
      { name: "log.retention.ms", value: "604800000", readOnly: true, isDefault: false, configSource: -1, isSensitive: false, synonyms: [], configType: 0, documentation: "" },
    ]);
  });

  test("the cluster-default resource lists no dynamic defaults; another broker id is INVALID_REQUEST", async () => {
    const broker = testBroker();
    const response = await describeConfigs(broker, 4, [resource(BROKER, ""), resource(BROKER, "7"), resource(BROKER, "one")]);
    expect(response.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ["", ErrorCodes.NONE, 0],
      ["7", ErrorCodes.INVALID_REQUEST, 0],
      ["one", ErrorCodes.INVALID_REQUEST, 0],
    ]);
    expect(response.results[1]?.errorMessage).toBe("Unexpected broker id, expected 111, but received 7");
  });

  test("BROKER_LOGGER reports the root log level; an empty name is INVALID_REQUEST", async () => {
    const broker = testBroker();
    const response = await describeConfigs(broker, 4, [resource(BROKER_LOGGER, "111"), resource(BROKER_LOGGER, "")]);
    expect(response.results[0]?.configs).toEqual([
      { name: "root", value: "INFO", readOnly: true, isDefault: false, configSource: 6, isSensitive: false, synonyms: [], configType: 2, documentation: null },
    ]);
    expect(response.results[1]?.errorCode).toBe(ErrorCodes.INVALID_REQUEST);
  });

  test("other resource types answer INVALID_REQUEST", async () => {
    const broker = testBroker();
    const response = await describeConfigs(broker, 4, [resource(16, "subscription"), resource(99, "x")]);
    expect(response.results.map((r) => r.errorCode)).toEqual([ErrorCodes.INVALID_REQUEST, ErrorCodes.INVALID_REQUEST]);
  });
});
