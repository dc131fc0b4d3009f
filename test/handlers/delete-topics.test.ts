import { describe, expect, test } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DeleteTopicsApi, type DeleteTopicsRequestDeleteTopicState, defaultDeleteTopicsRequest } from "../../src/protocol/generated/index.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { call, testBroker } from "./broker.ts";

async function withTopics(...names: string[]): Promise<{ broker: Broker; ids: Map<string, string> }> {
  const broker = testBroker();
  const ids = new Map<string, string>();
  for (const name of names) {
    const created = await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: {} });
    if (created.errorCode !== 0) throw new Error(`could not create ${name}`);
    ids.set(name, created.topic.topicId);
  }
  return { broker, ids };
}

const byNames = (topicNames: string[]) => ({ ...defaultDeleteTopicsRequest(), topicNames, timeoutMs: 1000 });
const byStates = (topics: DeleteTopicsRequestDeleteTopicState[]) => ({ ...defaultDeleteTopicsRequest(), topics, timeoutMs: 1000 });
const names = async (broker: Broker) => (await broker.engine.listTopics()).map((t) => t.name).sort();

describe("DeleteTopics", () => {
  test("v0 deletes topics by name; unknown names answer UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const { broker } = await withTopics("a", "b", "c");
    const response = await call(broker, DeleteTopicsApi, 0, byNames(["a", "missing", "c"]));
    expect(response.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ["a", ErrorCodes.NONE],
      ["missing", ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION],
      ["c", ErrorCodes.NONE],
    ]);
    expect(await names(broker)).toEqual(["b"]);
  });

  test("v5 answers with messages and topic names", async () => {
    const { broker } = await withTopics("a");
    const response = await call(broker, DeleteTopicsApi, 5, byNames(["a", "nope"]));
    expect(response.responses).toEqual([
      { name: "a", topicId: expect.any(String), errorCode: ErrorCodes.NONE, errorMessage: null },
      { name: "nope", topicId: ZERO_UUID, errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic nope does not exist." },
    ]);
  });

  test("v6 deletes by name or by id and reports both", async () => {
    const { broker, ids } = await withTopics("a", "b", "c");
    const bId = ids.get("b") ?? "";
    const response = await call(broker, DeleteTopicsApi, 6, byStates([
      { name: "a", topicId: ZERO_UUID },
      { name: null, topicId: bId },
    ]));
    expect(response.responses).toEqual([
      { name: "a", topicId: ids.get("a") ?? "", errorCode: ErrorCodes.NONE, errorMessage: null },
      { name: "b", topicId: bId, errorCode: ErrorCodes.NONE, errorMessage: null },
    ]);
    expect(await names(broker)).toEqual(["c"]);
  });

  test("v6 answers UNKNOWN_TOPIC_ID for an unknown id and INVALID_REQUEST for malformed entries", async () => {
    const { broker, ids } = await withTopics("a");
    const unknownId = "0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
    const response = await call(broker, DeleteTopicsApi, 6, byStates([
      { name: null, topicId: unknownId },
      { name: null, topicId: ZERO_UUID },
      { name: "a", topicId: ids.get("a") ?? "" },
    ]));
    expect(response.responses.map((r) => [r.name, r.topicId, r.errorCode, r.errorMessage])).toEqual([
      [null, unknownId, ErrorCodes.UNKNOWN_TOPIC_ID, `No topic has id ${unknownId}.`],
      [null, ZERO_UUID, ErrorCodes.INVALID_REQUEST, "Neither topic name nor id were specified."],
      ["a", ids.get("a") ?? "", ErrorCodes.INVALID_REQUEST, "You may not specify both topic name and topic id."],
    ]);
    expect(await names(broker)).toEqual(["a"]);
  });

  test("a topic named twice answers INVALID_REQUEST once and is kept", async () => {
    const { broker, ids } = await withTopics("a", "b", "c");
    const v1 = await call(broker, DeleteTopicsApi, 1, byNames(["a", "b", "a"]));
    expect(v1.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ["a", ErrorCodes.INVALID_REQUEST],
      ["b", ErrorCodes.NONE],
    ]);
    const v6 = await call(broker, DeleteTopicsApi, 6, byStates([
      { name: "c", topicId: ZERO_UUID },
      { name: null, topicId: ids.get("c") ?? "" },
    ]));
    expect(v6.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCodes.INVALID_REQUEST, "The provided topic name maps to an ID that was already supplied."],
      [ErrorCodes.INVALID_REQUEST, "The provided topic name maps to an ID that was already supplied."],
    ]);
    const byId = await call(broker, DeleteTopicsApi, 6, byStates([
      { name: null, topicId: ids.get("c") ?? "" },
      { name: null, topicId: ids.get("c") ?? "" },
    ]));
    expect(byId.responses.map((r) => [r.topicId, r.errorCode, r.errorMessage])).toEqual([[ids.get("c") ?? "", ErrorCodes.INVALID_REQUEST, "Duplicate topic id."]]);
    expect(await names(broker)).toEqual(["a", "c"]);
  });
});
