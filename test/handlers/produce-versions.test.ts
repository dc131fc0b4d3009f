// Produce is advertised from v0 (librdkafka 2.0.2 compresses with gzip, snappy and lz4 only when
// the broker's Produce range includes v0), but v0–2 carry message formats v0/v1, which this broker
// does not store: such requests get UNSUPPORTED_FOR_MESSAGE_FORMAT, v3+ are stored.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { KafkaClient } from "../../src/client/index.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ApiVersionsApi, ProduceApi } from "../../src/protocol/generated/index.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";

let broker: TestBroker;
let client: KafkaClient;
beforeAll(async () => {
  broker = await startBroker();
  client = await KafkaClient.connect(broker.bootstrap);
  await client.metadata(["versions"], true);
});
afterAll(async () => {
  await client.close();
  expect(await broker.stop()).toBe(0);
});

const produceAt = (maxVersion: number) =>
  client.request(
    ProduceApi,
    () => ({
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: "versions", partitionData: [{ index: 0, records: encodeBatch([{ value: new TextEncoder().encode("v") }]) }] }],
    }),
    { maxVersion },
  );

test("ApiVersions advertises Produce v0–11", async () => {
  const response = await client.request(ApiVersionsApi, () => ({ clientSoftwareName: "test", clientSoftwareVersion: "1" }));
  expect(response.apiKeys.find((k) => k.apiKey === 0)).toMatchObject({ minVersion: 0, maxVersion: 11 });
});

for (const version of [0, 1, 2]) {
  test(`Produce v${version} is answered UNSUPPORTED_FOR_MESSAGE_FORMAT`, async () => {
    const response = await produceAt(version);
    expect(response.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCodes.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  });
}

test("Produce v3 stores the batch", async () => {
  const response = await produceAt(3);
  expect(response.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 0n });
});
