import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  CreateTopicsApi,
  type CreateTopicsRequestCreatableTopic,
  type CreateTopicsResponse,
  defaultCreateTopicsRequest,
} from "../../src/protocol/generated/index.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { TOPIC_CONFIGS } from "../../src/topics/configs.ts";
import { asSeenAt, call, testBroker } from "./broker.ts";

function topic(name: string, extra: Partial<CreateTopicsRequestCreatableTopic> = {}): CreateTopicsRequestCreatableTopic {
  return { name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...extra };
}

function create(broker: Broker, version: number, topics: CreateTopicsRequestCreatableTopic[], validateOnly = false): Promise<CreateTopicsResponse> {
  return call(broker, CreateTopicsApi, version, { ...defaultCreateTopicsRequest(), topics, validateOnly });
}

function only(response: CreateTopicsResponse) {
  expect(response.topics).toHaveLength(1);
  const [result] = response.topics;
  if (result === undefined) throw new Error("no result");
  return result;
}

describe("CreateTopics", () => {
  test("v7 with -1/-1 takes the broker's defaults and reports topic id, counts and every config", async () => {
    const broker = testBroker(["--num-partitions", "4", "--default-replication-factor", "2"]);
    const result = only(await create(broker, 7, [topic("orders")]));
    expect(result.errorCode).toBe(ErrorCodes.NONE);
    expect(result.errorMessage).toBeNull();
    const stored = await broker.engine.getTopic("orders");
    expect(stored).not.toBeNull();
    expect(result.topicId).toBe(stored?.topicId ?? "");
    expect(result.topicId).not.toBe(ZERO_UUID);
    expect(stored?.partitionCount).toBe(4);
    expect(result.numPartitions).toBe(4);
    expect(result.replicationFactor).toBe(2);
    const names = (result.configs ?? []).map((c) => c.name);
    expect(names).toEqual(TOPIC_CONFIGS.map((c) => c.name).sort());
    const retention = result.configs?.find((c) => c.name === "retention.ms");
    expect(retention).toEqual({ name: "retention.ms", value: "604800000", readOnly: false, configSource: 5, isSensitive: false });
    const maxBytes = result.configs?.find((c) => c.name === "max.message.bytes");
    expect(maxBytes?.value).toBe(String(broker.config.messageMaxBytes));
  });

  test("explicit counts, any replication factor >= 1 and configs are stored and reported", async () => {
    const broker = testBroker();
    const configs = [
      { name: "retention.ms", value: "1000" },
      { name: "cleanup.policy", value: "compact" },
    ];
    const result = only(await create(broker, 7, [topic("t", { numPartitions: 3, replicationFactor: 5, configs })]));
    expect(result.errorCode).toBe(ErrorCodes.NONE);
    expect(result.numPartitions).toBe(3);
    expect(result.replicationFactor).toBe(5);
    expect(result.configs?.find((c) => c.name === "retention.ms")).toMatchObject({ value: "1000", configSource: 1 });
    expect(result.configs?.find((c) => c.name === "cleanup.policy")).toMatchObject({ value: "compact", configSource: 1 });
    const stored = await broker.engine.getTopic("t");
    expect(stored?.partitionCount).toBe(3);
    expect(stored?.replicationFactor).toBe(5);
    expect(stored?.configs).toEqual({ "retention.ms": "1000", "cleanup.policy": "compact" });
  });

  test("v0 creates topics and its response carries only name and error code", async () => {
    const broker = testBroker();
    const response = await create(broker, 0, [topic("a", { numPartitions: 2, replicationFactor: 1 }), topic("b")]);
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ["a", 0],
      ["b", 0],
    ]);
    expect((await broker.engine.getTopic("a"))?.partitionCount).toBe(2);
    expect(asSeenAt(CreateTopicsApi, 0, response).topics[0]).toMatchObject({ name: "a", errorCode: 0, numPartitions: -1, topicId: ZERO_UUID });
  });

  const errors: [string, CreateTopicsRequestCreatableTopic, number, RegExp][] = [
    ["an illegal name", topic("bad name!"), ErrorCodes.INVALID_TOPIC_EXCEPTION, /characters/],
    ["an empty name", topic(""), ErrorCodes.INVALID_TOPIC_EXCEPTION, /empty/],
    ["zero partitions", topic("t", { numPartitions: 0 }), ErrorCodes.INVALID_PARTITIONS, /non-positive/],
    ["-2 partitions", topic("t", { numPartitions: -2 }), ErrorCodes.INVALID_PARTITIONS, /non-positive/],
    ["replication factor 0", topic("t", { replicationFactor: 0 }), ErrorCodes.INVALID_REPLICATION_FACTOR, /larger than 0/],
    ["replication factor -2", topic("t", { replicationFactor: -2 }), ErrorCodes.INVALID_REPLICATION_FACTOR, /larger than 0/],
    ["an assignment with numPartitions set", topic("t", { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [111] }] }), ErrorCodes.INVALID_REQUEST, /Both numPartitions/],
    ["an assignment of two replicas", topic("t", { assignments: [{ partitionIndex: 0, brokerIds: [111, 112] }] }), ErrorCodes.INVALID_REPLICATION_FACTOR, /2 replicas, larger than the 1 available broker/],
    ["an assignment with an empty replica list", topic("t", { assignments: [{ partitionIndex: 0, brokerIds: [] }] }), ErrorCodes.INVALID_REPLICA_ASSIGNMENT, /empty replica list/],
    ["an assignment naming a broker twice", topic("t", { assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] }), ErrorCodes.INVALID_REPLICA_ASSIGNMENT, /more than once/],
    ["an assignment skipping a partition", topic("t", { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [1] }] }), ErrorCodes.INVALID_REPLICA_ASSIGNMENT, /partition 2 is out of place/],
    ["an unknown config", topic("t", { configs: [{ name: "retention.mss", value: "1" }] }), ErrorCodes.INVALID_CONFIG, /unknown topic config retention.mss/],
    ["an invalid config value", topic("t", { configs: [{ name: "retention.ms", value: "soon" }] }), ErrorCodes.INVALID_CONFIG, /retention.ms must be an integer/],
    ["a null config value", topic("t", { configs: [{ name: "retention.ms", value: null }] }), ErrorCodes.INVALID_CONFIG, /Null value not supported.*retention.ms/],
    ["too many partitions", topic("t", { numPartitions: 10_001 }), ErrorCodes.POLICY_VIOLATION, /excessively large/],
  ];
  for (const [what, request, code, message] of errors) {
    test(`${what} answers ${code} with a message and creates nothing`, async () => {
      const broker = testBroker();
      for (const version of [1, 7]) {
        const result = only(await create(broker, version, [request]));
        expect(result.errorCode).toBe(code);
        expect(result.errorMessage ?? "").toMatch(message);
        expect(result.numPartitions).toBe(-1);
        expect(result.topicId).toBe(ZERO_UUID);
      }
      expect(await broker.engine.listTopics()).toEqual([]);
    });
  }

  test("an existing topic answers TOPIC_ALREADY_EXISTS and is left alone", async () => {
    const broker = testBroker();
    await create(broker, 7, [topic("t", { numPartitions: 2 })]);
    const result = only(await create(broker, 7, [topic("t", { numPartitions: 5 })]));
    expect(result.errorCode).toBe(ErrorCodes.TOPIC_ALREADY_EXISTS);
    expect(result.errorMessage).toBe("Topic 't' already exists.");
    expect((await broker.engine.getTopic("t"))?.partitionCount).toBe(2);
  });

  test("a name repeated in one request answers INVALID_REQUEST once and the others proceed", async () => {
    const broker = testBroker();
    const response = await create(broker, 7, [topic("dup"), topic("ok"), topic("dup", { numPartitions: 3 })]);
    expect(response.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
      ["dup", ErrorCodes.INVALID_REQUEST, "Duplicate topic name."],
      ["ok", ErrorCodes.NONE, null],
    ]);
    expect((await broker.engine.listTopics()).map((t) => t.name)).toEqual(["ok"]);
  });

  test("validateOnly checks everything and creates nothing", async () => {
    const broker = testBroker();
    await create(broker, 7, [topic("exists")]);
    const response = await create(broker, 7, [topic("new", { numPartitions: 6, configs: [{ name: "retention.ms", value: "5" }] }), topic("exists"), topic("bad", { numPartitions: 0 })], true);
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ["new", ErrorCodes.NONE],
      ["exists", ErrorCodes.TOPIC_ALREADY_EXISTS],
      ["bad", ErrorCodes.INVALID_PARTITIONS],
    ]);
    const [valid] = response.topics;
    expect(valid?.topicId).toBe(ZERO_UUID);
    expect(valid?.numPartitions).toBe(6);
    expect(valid?.configs?.find((c) => c.name === "retention.ms")?.configSource).toBe(1);
    expect((await broker.engine.listTopics()).map((t) => t.name)).toEqual(["exists"]);
  });
});
