// librdkafka's mock cluster through test/support/mock-cluster.ts, seen by kcat 1.7.1: three brokers,
// a topic whose leaders are spread over them, records produced and consumed across those leaders,
// and a broker taken down (its connections closed, new ones refused) and brought back up.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { type MockCluster, MOCK_CLUSTER_MISSING, mockClusterAvailable, startMockCluster } from "../support/mock-cluster.ts";
import { kcatConsume, kcatMetadata, kcatProduce } from "./support/kcat.ts";
import type { SentRecord } from "./support/records.ts";

if (!mockClusterAvailable()) throw new Error(MOCK_CLUSTER_MISSING);

const TOPIC = "spread";
let cluster: MockCluster;

beforeAll(async () => {
  cluster = await startMockCluster(3);
  await cluster.createTopic(TOPIC, 6, 3);
});

afterAll(() => cluster?.stop());

interface Connection {
  end(): void;
  /** Resolves when the broker ends the connection. */
  closed: Promise<void>;
}

function connectTo(port: number): Promise<Connection | "refused"> {
  let ended: () => void = () => {};
  const closed = new Promise<void>((resolve) => (ended = resolve));
  return Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, close: () => ended(), error: () => ended() } }).then(
    (socket) => ({ end: () => socket.end(), closed }),
    () => "refused" as const,
  );
}

test("kcat sees three brokers, with node ids 1..3 in bootstrap order", async () => {
  expect(cluster.brokers.map((b) => b.id)).toEqual([1, 2, 3]);
  expect(cluster.brokers.every((b) => b.host === "127.0.0.1")).toBe(true);
  const metadata = await kcatMetadata(cluster.bootstrap);
  expect(metadata.brokers.map((b) => `${b.id} ${b.name}`).sort()).toEqual(cluster.brokers.map((b) => `${b.id} ${b.host}:${b.port}`));
});

test("a topic made through the launcher has leaders on every broker, and kcat round-trips records over them", async () => {
  const metadata = await kcatMetadata(cluster.bootstrap);
  const partitions = metadata.topics.find((t) => t.topic === TOPIC)?.partitions ?? [];
  expect(partitions.map((p) => p.leader)).toEqual([1, 2, 3, 1, 2, 3]);

  const records: SentRecord[] = Array.from({ length: 30 }, (_, seq) => ({ run: "mock", seq, key: `k${seq}`, value: `v${seq}`, headers: [], timestamp: null }));
  await kcatProduce(cluster.bootstrap, { topic: TOPIC, records, headers: [], codec: "none", acks: "all", timeoutMs: 10_000 });
  const consumed = await kcatConsume(cluster.bootstrap, TOPIC);
  expect(consumed.map((r) => `${r.key}=${r.value}`).sort()).toEqual(records.map((r) => `${r.key}=${r.value}`).sort());
  const leaders = new Set(consumed.map((r) => partitions[r.partition]!.leader));
  expect(leaders.size).toBeGreaterThan(1);
});

test("a broker taken down closes its connections and refuses new ones until it is up again", async () => {
  const broker = cluster.brokers[1]!;
  const open = await connectTo(broker.port);
  if (open === "refused") throw new Error(`broker ${broker.id} refused a connection while up`);
  await cluster.down(broker.id);
  await open.closed;
  expect(await connectTo(broker.port)).toBe("refused");
  // the others still answer, and still list the down broker (the mock changes no metadata)
  const others = cluster.brokers.filter((b) => b !== broker).map((b) => `${b.host}:${b.port}`).join(",");
  expect((await kcatMetadata(others)).brokers).toHaveLength(3);

  await cluster.up(broker.id);
  const again = await connectTo(broker.port);
  if (again === "refused") throw new Error(`broker ${broker.id} refused a connection after up`);
  again.end();
  expect((await kcatMetadata(`${broker.host}:${broker.port}`)).brokers).toHaveLength(3);
});
