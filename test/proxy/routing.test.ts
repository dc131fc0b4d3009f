// `tansu proxy`'s ports and upstream connections: with a fixed bootstrap port P, node N listens on
// P + 1 + N and is advertised as the advertised port + 1 + N; with two upstream brokers (node ids 1
// and 2 over one store), each node's port reaches that node and no other; many clients share one
// upstream connection until one sends a request that waits in the broker (a Fetch), which moves
// that client to a connection of its own.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { fetchRecords, KafkaClient } from "../../src/client/index.ts";
import { MetadataApi } from "../../src/protocol/generated/metadata.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { fetchAll } from "../e2e/kafkajs-support.ts";
import { startProxy } from "./support.ts";

/** A port P with P and P + 1 + `nodeId` both free at the time of asking. */
function freePortFor(nodeId: number): number {
  for (;;) {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    try {
      const node = Bun.listen({ hostname: "127.0.0.1", port: port + 1 + nodeId, socket: { data() {} } });
      node.stop(true);
      return port;
    } catch {
      // taken: try another
    } finally {
      probe.stop(true);
    }
  }
}

describe("the port rule", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker(["--node-id", "3"]);
  });
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("node N listens on the bootstrap port + 1 + N and is advertised at the advertised port + 1 + N", async () => {
    const port = freePortFor(3);
    const proxy = await startProxy(broker.bootstrap, ["--listener-url", `tcp://127.0.0.1:${port}`, "--advertised-listener-url", "tcp://localhost:40000"]);
    try {
      const client = await KafkaClient.connect(proxy.bootstrap);
      try {
        expect((await client.metadata(null)).brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }))).toEqual([{ nodeId: 3, host: "localhost", port: 40004 }]);
      } finally {
        await client.close();
      }
      expect(proxy.port).toBe(port);
      expect(proxy.nodePorts()).toEqual(new Map([[3, port + 4]]));
      // the node's port reaches the node
      const direct = await KafkaClient.connect(`127.0.0.1:${port + 4}`);
      try {
        expect((await direct.metadata(null)).brokers.map((b) => b.nodeId)).toEqual([3]);
      } finally {
        await direct.close();
      }
      expect(proxy.logs()).toContain(`nodePorts=${port + 1}..${port + 1001}`);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});

describe("two upstream nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "tansu-proxy-"));
  const storage = `sqlite://${join(dir, "shared.db")}`;
  let brokers: TestBroker[] = [];
  beforeAll(async () => {
    // each of our brokers names only itself in its answers: the proxy learns of both through its bootstrap list
    brokers = [await startBroker(["--node-id", "1", "--storage-engine", storage]), await startBroker(["--node-id", "2", "--storage-engine", storage])];
  });
  afterAll(async () => {
    for (const b of brokers) expect(await b.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the bootstrap port takes turns between them, and node N's port reaches node N only", async () => {
    const proxy = await startProxy(brokers.map((b) => b.bootstrap).join(","), ["--upstream-connections", "1"]);
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 4; i++) {
        const client = await KafkaClient.connect(proxy.bootstrap);
        for (const b of (await client.metadata(null)).brokers) seen.add(b.nodeId);
        await client.close();
      }
      expect([...seen].sort()).toEqual([1, 2]);
      const ports = proxy.nodePorts();
      expect([...ports.keys()].sort()).toEqual([1, 2]);
      for (const [nodeId, port] of ports) {
        const direct = await KafkaClient.connect(`127.0.0.1:${port}`);
        try {
          for (let i = 0; i < 3; i++) expect((await direct.metadata(null)).brokers.map((b) => [b.nodeId, b.port])).toEqual([[nodeId, port]]);
        } finally {
          await direct.close();
        }
      }
      // clients on either node's port see one cluster: records produced through one are read through the other
      const [one, two] = [ports.get(1)!, ports.get(2)!];
      const kafka = (port: number) => new Kafka({ clientId: "routing", brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
      const admin = kafka(one).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: "routing", numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka(one).producer();
      await producer.connect();
      await producer.send({ topic: "routing", messages: Array.from({ length: 50 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })) });
      await producer.disconnect();
      expect((await fetchAll(kafka(two), "routing", [0, 1])).length).toBe(50);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  }, 60_000);
});

describe("upstream connections", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker(["--node-id", "4"]);
  });
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("clients share one upstream connection per broker; a client that fetches gets its own", async () => {
    const proxy = await startProxy(broker.bootstrap, ["--upstream-connections", "1", "--log-level", "debug"]);
    const opened = (kind: string) => proxy.logs().match(new RegExp(`upstream connection open upstream=\\S+ kind=${kind}`, "g"))?.length ?? 0;
    try {
      const clients = await Promise.all(Array.from({ length: 10 }, () => KafkaClient.connect(proxy.bootstrap)));
      try {
        // the bootstrap address and node 4's advertised one are the same here: one shared connection for both ports
        await Promise.all(clients.map((c) => c.metadata(["pooled"], true)));
        await Promise.all(clients.map((c) => c.metadata(["pooled"], false)));
        expect(opened("shared")).toBe(1);
        await Promise.all(clients.map((c) => c.request(MetadataApi, () => ({ topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), { node: 4 })));
        expect(opened("shared")).toBe(1);
        expect(opened("dedicated")).toBe(0);
        const [reader] = clients;
        const result = await fetchRecords(reader!, "pooled", [{ partition: 0, leader: 4, offset: 0n }], { maxWaitMs: 10 });
        expect(result.records).toEqual([]);
        expect(opened("dedicated")).toBe(1);
        // the others still share
        await Promise.all(clients.map((c) => c.request(MetadataApi, () => ({ topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), { node: 4 })));
        expect([opened("shared"), opened("dedicated")]).toEqual([1, 1]);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});
