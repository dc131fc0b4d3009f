import { afterAll, beforeAll, expect, test } from "bun:test";
import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";

let broker: TestBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: "alter-configs", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await broker.stop();
});

async function topicConfigs(names: string[]): Promise<Record<string, string | undefined>> {
  const admin = kafka.admin();
  await admin.connect();
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "altered", configNames: names }] });
  await admin.disconnect();
  return Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
}

test("kafkajs admin.alterConfigs (AlterConfigs v0) replaces a topic's whole explicit config set", async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "altered", configEntries: [{ name: "retention.ms", value: "1000" }, { name: "cleanup.policy", value: "compact" }] }] });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "altered", configEntries: [{ name: "max.message.bytes", value: "2048" }] }] });
  // retention.ms and cleanup.policy were not named again: back to their defaults
  expect(await topicConfigs(["max.message.bytes", "retention.ms", "cleanup.policy"])).toEqual({ "max.message.bytes": "2048", "retention.ms": "604800000", "cleanup.policy": "delete" });
  await expect(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "altered", configEntries: [{ name: "retention.ms", value: "soon" }] }] })).rejects.toThrow();
  await expect(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "missing", configEntries: [] }] })).rejects.toThrow();
  // a failed alteration changed nothing
  expect((await topicConfigs(["max.message.bytes"]))["max.message.bytes"]).toBe("2048");
  await admin.disconnect();
});
