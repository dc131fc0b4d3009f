// The admin port's view of retention: /api/topics/:name and /metrics show each partition's
// logStartOffset, retained bytes and this broker's compaction passes once its checks have run.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { waitFor } from "./groups-support.ts";

let broker: TestBroker;
let admin: Admin;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker(["--log-retention-check-interval-ms", "200"], {}, { admin: true });
  kafka = new Kafka({ clientId: "retention-admin", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

interface PartitionView {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  retainedBytes: number;
  batches: number;
  cleanup: { checkedAt: string; compaction: { passes: number; removedRecords: number; lastPassMs: number } | null } | null;
}

const topicView = async (name: string) => (await (await fetch(`${broker.adminUrl}/api/topics/${name}`)).json()) as { partitions: PartitionView[] };

test("retained bytes, logStartOffset and compaction progress per partition", async () => {
  const configEntries = [
    { name: "cleanup.policy", value: "compact,delete" },
    { name: "min.compaction.lag.ms", value: "0" },
    { name: "retention.ms", value: "600000" },
  ];
  await admin.createTopics({ topics: [{ topic: "changes", numPartitions: 1, configEntries }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const old = String(Date.now() - 3_600_000);
  await producer.send({ topic: "changes", messages: [{ key: "a", value: "expired", timestamp: old, partition: 0 }] });
  for (let i = 0; i < 6; i++) await producer.send({ topic: "changes", messages: [{ key: "k", value: `v${i}`, partition: 0 }] });
  await producer.disconnect();

  await waitFor("a check after compaction", async () => (await topicView("changes")).partitions[0]?.cleanup?.compaction?.removedRecords === 4, 10_000);
  const [p] = (await topicView("changes")).partitions;
  // the expired batch went by retention; of k's six values the last two stay (the last batch is never compacted)
  expect(p).toMatchObject({ partition: 0, logStartOffset: 1, highWatermark: 7, batches: 2, cleanup: { compaction: { removedRecords: 4 } } });
  expect(p!.retainedBytes).toBeGreaterThan(0);

  const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  const labels = '{topic="changes",partition="0"}';
  expect(metrics).toContain(`tansu_partition_log_start_offset${labels} 1`);
  expect(metrics).toContain(`tansu_partition_high_watermark${labels} 7`);
  expect(metrics).toContain(`tansu_partition_retained_bytes${labels} ${p!.retainedBytes}`);
  expect(metrics).toContain(`tansu_compaction_removed_records_total${labels} 4`);
  expect(metrics).toMatch(new RegExp(`tansu_compaction_passes_total\\{topic="changes",partition="0"\\} [1-9]`));
});
