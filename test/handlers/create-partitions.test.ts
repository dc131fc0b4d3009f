import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CreatePartitionsApi, type CreatePartitionsRequestCreatePartitionsTopic } from "../../src/protocol/generated/index.ts";
import { call, testBroker } from "./broker.ts";

async function withTopic(name: string, partitionCount: number): Promise<Broker> {
  const broker = testBroker();
  await broker.engine.createTopic({ name, partitionCount, replicationFactor: 1, configs: {} });
  return broker;
}

function grow(broker: Broker, version: number, topics: CreatePartitionsRequestCreatePartitionsTopic[], validateOnly = false) {
  return call(broker, CreatePartitionsApi, version, { topics, timeoutMs: 1000, validateOnly });
}

const partitions = async (broker: Broker, name: string) => (await broker.engine.getTopic(name))?.partitionCount;

describe("CreatePartitions", () => {
  for (const version of [0, 3]) {
    test(`v${version} raises the partition count`, async () => {
      const broker = await withTopic("t", 2);
      const response = await grow(broker, version, [{ name: "t", count: 5, assignments: null }]);
      expect(response.results).toEqual([{ name: "t", errorCode: ErrorCodes.NONE, errorMessage: null }]);
      expect(await partitions(broker, "t")).toBe(5);
    });
  }

  test("the same or a lower count answers INVALID_PARTITIONS with Kafka's messages", async () => {
    const broker = await withTopic("t", 3);
    const same = await grow(broker, 3, [{ name: "t", count: 3, assignments: null }]);
    expect(same.results[0]).toEqual({ name: "t", errorCode: ErrorCodes.INVALID_PARTITIONS, errorMessage: "Topic already has 3 partition(s)." });
    const lower = await grow(broker, 3, [{ name: "t", count: 1, assignments: null }]);
    expect(lower.results[0]).toEqual({
      name: "t",
      errorCode: ErrorCodes.INVALID_PARTITIONS,
      errorMessage: "The topic t currently has 3 partition(s); 1 would not be an increase.",
    });
    expect(await partitions(broker, "t")).toBe(3);
  });

  test("replica assignments answer INVALID_REPLICA_ASSIGNMENT and change nothing", async () => {
    const broker = await withTopic("t", 1);
    const response = await grow(broker, 3, [{ name: "t", count: 2, assignments: [{ brokerIds: [broker.config.nodeId] }] }]);
    expect(response.results[0]?.errorCode).toBe(ErrorCodes.INVALID_REPLICA_ASSIGNMENT);
    expect(response.results[0]?.errorMessage).toMatch(/assignments as null/);
    expect(await partitions(broker, "t")).toBe(1);
  });

  test("an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const broker = testBroker();
    const response = await grow(broker, 1, [{ name: "nope", count: 2, assignments: null }]);
    expect(response.results[0]).toEqual({ name: "nope", errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic nope does not exist." });
  });

  test("validateOnly checks and changes nothing", async () => {
    const broker = await withTopic("t", 1);
    const response = await grow(broker, 3, [{ name: "t", count: 4, assignments: null }, { name: "t2", count: 4, assignments: null }], true);
    expect(response.results.map((r) => r.errorCode)).toEqual([ErrorCodes.NONE, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await partitions(broker, "t")).toBe(1);
  });

  test("a topic named twice answers INVALID_REQUEST once and is not changed", async () => {
    const broker = await withTopic("t", 1);
    await broker.engine.createTopic({ name: "u", partitionCount: 1, replicationFactor: 1, configs: {} });
    const response = await grow(broker, 2, [
      { name: "t", count: 2, assignments: null },
      { name: "u", count: 2, assignments: null },
      { name: "t", count: 3, assignments: null },
    ]);
    expect(response.results).toEqual([
      { name: "t", errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Duplicate topic in request." },
      { name: "u", errorCode: ErrorCodes.NONE, errorMessage: null },
    ]);
    expect(await partitions(broker, "t")).toBe(1);
    expect(await partitions(broker, "u")).toBe(2);
  });

  test("more than 10000 new partitions at once answers POLICY_VIOLATION", async () => {
    const broker = await withTopic("t", 1);
    const response = await grow(broker, 3, [{ name: "t", count: 10_002, assignments: null }]);
    expect(response.results[0]?.errorCode).toBe(ErrorCodes.POLICY_VIOLATION);
    expect(await partitions(broker, "t")).toBe(1);
  });
});
