// kafkajs has no assign-style consumer (its consumer always joins a group), so these tests fetch
// through kafkajs's own cluster and broker objects: kafkajs still encodes every request and decodes
// every record batch.

import { Kafka } from "kafkajs";
import type { ConsumedRecord } from "./records.ts";

interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | Buffer[] | undefined>;
}
interface KafkajsFetchResponse {
  responses: { topicName: string; partitions: { partition: number; errorCode: number; highWatermark: string; messages: KafkajsMessage[] }[] }[];
}
interface KafkajsBroker {
  fetch(request: { replicaId?: number; isolationLevel?: number; maxWaitTime: number; minBytes: number; maxBytes: number; topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[] }): Promise<KafkajsFetchResponse>;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(node: { nodeId: string }): Promise<KafkajsBroker>;
}

function createCluster(kafka: Kafka): KafkajsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  if (symbol === undefined) throw new Error("kafkajs internals changed: no createCluster");
  const create = (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[symbol]!;
  return create({ allowAutoTopicCreation: false });
}

const text = (b: Buffer | null | undefined): string | null => (b === null || b === undefined ? null : b.toString("utf8"));

/** Reads every record of `partitions` from offset 0 up to each partition's high watermark. */
export async function fetchAll(kafka: Kafka, topic: string, partitions: number[]): Promise<ConsumedRecord[]> {
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const out: ConsumedRecord[] = [];
    const next = new Map(partitions.map((p) => [p, 0]));
    const done = new Set<number>();
    for (let round = 0; done.size < partitions.length && round < 10_000; round++) {
      const leaders = cluster.findLeaderForPartitions(topic, partitions.filter((p) => !done.has(p)));
      for (const [nodeId, ps] of Object.entries(leaders)) {
        const broker = await cluster.findBroker({ nodeId });
        const response = await broker.fetch({
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: 1 << 20,
          topics: [{ topic, partitions: ps.map((p) => ({ partition: p, fetchOffset: String(next.get(p)), maxBytes: 256 << 10 })) }],
        });
        for (const t of response.responses) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${p.partition} failed with error ${p.errorCode}`);
            for (const m of p.messages) {
              const offset = Number(m.offset);
              if (offset < next.get(p.partition)!) continue;
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = text(Array.isArray(v) ? v[0] : v) ?? "";
              out.push({ partition: p.partition, offset, key: text(m.key), value: text(m.value), headers, timestamp: Number(m.timestamp) });
              next.set(p.partition, offset + 1);
            }
            if (next.get(p.partition)! >= Number(p.highWatermark)) done.add(p.partition);
          }
        }
      }
    }
    return out;
  } finally {
    await cluster.disconnect();
  }
}

/** Produces "one" and "two" to `topic`, then reads them back in a new group; what the group saw. */
export async function roundTrip(k: Kafka, topic: string): Promise<string[]> {
  const producer = k.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: "one" }, { value: "two" }] });
  await producer.disconnect();
  const consumer = k.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  for (let i = 0; i < 200 && seen.length < 2; i++) await Bun.sleep(50);
  await consumer.disconnect();
  return seen;
}
