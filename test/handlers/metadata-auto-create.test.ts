import { expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { defaultMetadataRequest, defaultMetadataRequestMetadataRequestTopic, MetadataApi } from "../../src/protocol/generated/index.ts";
import { call, testBroker } from "./broker.ts";

const ask = (names: string[], allowAutoTopicCreation: boolean) => ({
  ...defaultMetadataRequest(),
  topics: names.map((name) => ({ ...defaultMetadataRequestMetadataRequestTopic(), name })),
  allowAutoTopicCreation,
});

test("Metadata creates an unknown topic only when auto.create.topics.enable is on, the client allows it and the name is legal", async () => {
  const on = testBroker();
  const created = await call(on, MetadataApi, 12, ask(["orders", "bad name!", "a".repeat(250)], true));
  expect(created.topics.map((t) => [t.name, t.errorCode])).toEqual([
    ["orders", ErrorCodes.NONE],
    ["bad name!", ErrorCodes.INVALID_TOPIC_EXCEPTION],
    ["a".repeat(250), ErrorCodes.INVALID_TOPIC_EXCEPTION],
  ]);
  const notAllowed = await call(on, MetadataApi, 12, ask(["payments"], false));
  expect(notAllowed.topics[0]!.errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);

  const off = testBroker(["--auto-create-topics-enable", "false"]);
  for (const version of [1, 4, 12]) {
    const r = await call(off, MetadataApi, version, ask(["orders"], true));
    expect(r.topics[0]!.errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
  }
  expect(await off.engine.listTopics()).toEqual([]);
});

test("a topic named only by id before Metadata v12 is INVALID_REQUEST, not a closed connection", async () => {
  const broker = testBroker();
  const request = { ...defaultMetadataRequest(), topics: [{ ...defaultMetadataRequestMetadataRequestTopic(), name: null, topicId: "00000000-0000-0000-0000-000000000001" }] };
  for (const version of [10, 11]) expect((await call(broker, MetadataApi, version, request)).topics[0]!.errorCode).toBe(ErrorCodes.INVALID_REQUEST);
  expect((await call(broker, MetadataApi, 12, request)).topics[0]!.errorCode).toBe(ErrorCodes.UNKNOWN_TOPIC_ID);
});
