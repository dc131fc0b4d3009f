// The cluster behind the proxy in bench/proxy.ts: the broker on the memory engine (started by the
// bench), or librdkafka's mock cluster of three brokers. Each run produces to a 1-partition topic
// of its own, created directly on the upstream and dropped after the run.

import { check, ClientError, connect, topicPartitions } from "../../src/client/index.ts";
import { DeleteTopicsApi } from "../../src/protocol/generated/delete-topics.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { startMockCluster } from "../../test/support/mock-cluster.ts";
import type { Server } from "./server.ts";

export interface Upstream {
  readonly name: string;
  /** "127.0.0.1:PORT,…" */
  readonly bootstrap: string;
  createTopic(topic: string): Promise<void>;
  dropTopic(topic: string): Promise<void>;
  stop(): Promise<void>;
}

/** The broker: topics created by Metadata (auto-creation, one partition), deleted after each run so that the memory engine does not hold every run's records. */
export async function brokerUpstream(broker: Server): Promise<Upstream> {
  const bootstrap = `127.0.0.1:${broker.port}`;
  const client = await connect(bootstrap, { clientId: "bench-proxy-admin" });
  return {
    name: "broker (memory engine)",
    bootstrap,
    async createTopic(topic) {
      await topicPartitions(client, topic, true);
    },
    async dropTopic(topic) {
      await client.metadata([]);
      const response = await client.request(DeleteTopicsApi, () => ({ topics: [{ name: topic, topicId: ZERO_UUID }], topicNames: [topic], timeoutMs: 30_000 }), { node: client.controller });
      const result = response.responses.find((r) => r.name === topic);
      if (result === undefined) throw new ClientError("protocol", `DeleteTopics has no answer for topic ${topic}`);
      check(result.errorCode, `delete topic ${topic}`, result.errorMessage);
    },
    async stop() {
      await client.close();
      await broker.stop();
    },
  };
}

/** librdkafka's mock cluster: each topic led by its last broker, so that clients of the proxy reach a broker other than the bootstrap one; the mock keeps only a partition's newest records, so nothing is dropped. */
export async function mockUpstream(brokers: number): Promise<Upstream> {
  const cluster = await startMockCluster(brokers);
  const leader = cluster.brokers.at(-1)!.id;
  return {
    name: `librdkafka mock cluster, ${brokers} brokers`,
    bootstrap: cluster.bootstrap,
    async createTopic(topic) {
      await cluster.createTopic(topic, 1, 1);
      await cluster.setLeader(topic, 0, leader);
    },
    dropTopic: async () => {},
    stop: () => cluster.stop(),
  };
}
