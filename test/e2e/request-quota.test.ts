// request_percentage on a real broker process, through the project's own client: a client over
// its share of a thread gets throttleTimeMs (at most one window, as in Kafka), and a Fetch long
// poll's wait for records is no request time.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { Admin } from "@platformatic/kafka";
import { KafkaClient } from "../../src/client/client.ts";
import { ApiVersionsApi, defaultFetchRequest, defaultFetchRequestFetchPartition, FetchApi } from "../../src/protocol/generated/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
  const admin = new Admin({ clientId: "quota-admin", bootstrapBrokers: [broker.bootstrap] });
  await admin.createTopics({ topics: ["quiet"], partitions: 1, replicas: 1 });
  await admin.alterClientQuotas({
    entries: [
      { entities: [{ entityType: "client-id", entityName: "busy" }], ops: [{ key: "request_percentage", value: 1e-6, remove: false }] },
      { entities: [{ entityType: "client-id", entityName: "poller" }], ops: [{ key: "request_percentage", value: 1, remove: false }] },
    ],
  });
  await admin.close();
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

test("a client over request_percentage is throttled, for at most one quota window", async () => {
  const client = await KafkaClient.connect(broker.bootstrap, { clientId: "busy" });
  try {
    // connecting sent ApiVersions already: this one is over the quota
    const { throttleTimeMs } = await client.request(ApiVersionsApi, () => ({ clientSoftwareName: "tansu-test", clientSoftwareVersion: "1" }));
    expect(throttleTimeMs).toBeGreaterThan(0);
    expect(throttleTimeMs).toBeLessThanOrEqual(1000);
  } finally {
    await client.close();
  }
});

test("a Fetch long poll's wait for records does not count as request time", async () => {
  const client = await KafkaClient.connect(broker.bootstrap, { clientId: "poller" });
  try {
    const partition = { ...defaultFetchRequestFetchPartition(), partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 };
    for (let i = 0; i < 3; i++) {
      const since = performance.now();
      const topics = [{ topic: "quiet", topicId: "00000000-0000-0000-0000-000000000000", partitions: [partition] }];
      const response = await client.request(FetchApi, () => ({ ...defaultFetchRequest(), maxWaitMs: 400, minBytes: 1, topics }));
      // waited out (1.2 s of 10 s would be 12% of a thread, far over 1%) and not throttled
      expect(performance.now() - since).toBeGreaterThanOrEqual(350);
      expect(response.throttleTimeMs).toBe(0);
    }
  } finally {
    await client.close();
  }
});
