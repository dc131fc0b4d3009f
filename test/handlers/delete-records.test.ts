import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { DeleteRecordsApi, ListOffsetsApi } from "../../src/protocol/generated/index.ts";
import { CleanerCheckpoints } from "../../src/retention/dirty.ts";
import { sweepRetention } from "../../src/retention/sweep.ts";
import { encodeBatch } from "../../src/protocol/records/index.ts";
import { testBatch } from "../storage/record-batch.ts";
import { call, testBroker } from "./broker.ts";
import { fetchPartition } from "./transactions.ts";

async function brokerWithRecords(args: string[] = [], configs: Record<string, string> = {}) {
  const broker = testBroker(args);
  await broker.engine.createTopic({ name: "t", partitionCount: 2, replicationFactor: 1, configs });
  for (let i = 0; i < 5; i++) await broker.engine.append("t", 0, testBatch({ recordCount: 2, baseTimestamp: Date.now() - (5 - i) * 60_000 - 30_000 }));
  return broker;
}

const deleteRecords = (broker: ReturnType<typeof testBroker>, partitions: { partitionIndex: number; offset: bigint }[], name = "t", version = 2) =>
  call(broker, DeleteRecordsApi, version, { topics: [{ name, partitions }], timeoutMs: 1000 }).then((r) => r.topics[0]?.partitions);

const earliest = async (broker: ReturnType<typeof testBroker>) => {
  const r = await call(broker, ListOffsetsApi, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: "t", partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1 }] }] });
  return r.topics[0]?.partitions[0]?.offset;
};

describe("DeleteRecords", () => {
  test("raises the low watermark per partition; errors stay with their partition", async () => {
    const broker = await brokerWithRecords();
    expect(await deleteRecords(broker, [{ partitionIndex: 0, offset: 4n }, { partitionIndex: 1, offset: 3n }, { partitionIndex: 7, offset: 0n }])).toEqual([
      { partitionIndex: 0, lowWatermark: 4n, errorCode: 0 },
      { partitionIndex: 1, lowWatermark: -1n, errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE },
      { partitionIndex: 7, lowWatermark: -1n, errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
    expect(await earliest(broker)).toBe(4n);
    expect((await fetchPartition(broker, "t", 0, 0)).errorCode).toBe(ErrorCodes.OFFSET_OUT_OF_RANGE);
    expect(await deleteRecords(broker, [{ partitionIndex: 0, offset: -1n }], "t", 0)).toEqual([{ partitionIndex: 0, lowWatermark: 10n, errorCode: 0 }]);
    expect(await deleteRecords(broker, [{ partitionIndex: 0, offset: 2n }, { partitionIndex: 0, offset: 3n }])).toEqual([
      { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCodes.INVALID_REQUEST },
      { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCodes.INVALID_REQUEST },
    ]);
    expect(await deleteRecords(broker, [{ partitionIndex: 0, offset: 0n }], "nope")).toEqual([{ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION }]);
  });
});

describe("retention sweep", () => {
  test("retention.ms deletes expired batches; -1 and cleanup.policy=compact keep everything", async () => {
    const broker = await brokerWithRecords([], { "retention.ms": "180000" });
    for (const [name, configs] of [["forever", { "retention.ms": "-1" }], ["compacted", { "cleanup.policy": "compact", "retention.ms": "1" }]] as const) {
      await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs });
      await broker.engine.append(name, 0, testBatch({ baseTimestamp: 1 }));
    }
    await sweepRetention({ engine: broker.engine, log: broker.log, config: broker.config, checkpoints: new CleanerCheckpoints() });
    // of five batches aged 5.5 to 1.5 minutes, those older than 3 minutes go
    expect(await earliest(broker)).toBe(6n);
    for (const name of ["forever", "compacted"]) expect(await broker.engine.offsets(name, 0)).toMatchObject({ logStartOffset: 0 });
  });

  test("retention.bytes and the broker's log.retention.* defaults apply", async () => {
    const broker = await brokerWithRecords(["--log-retention-minutes", "2", "--log-retention-hours", "1000"]);
    await sweepRetention({ engine: broker.engine, log: broker.log, config: broker.config, checkpoints: new CleanerCheckpoints() });
    expect(await earliest(broker)).toBe(8n);
    const sized = await brokerWithRecords(["--log-retention-bytes", "1"]);
    await sweepRetention({ engine: sized.engine, log: sized.log, config: sized.config, checkpoints: new CleanerCheckpoints() });
    expect(await earliest(sized)).toBe(8n);
  });
});

describe("compaction sweep", () => {
  test("cleanup.policy=compact keeps the latest value per key; compact,delete also applies retention", async () => {
    const broker = testBroker();
    const text = (s: string) => new TextEncoder().encode(s);
    for (const [name, policy] of [["changelog", "compact"], ["both", "compact,delete"]] as const) {
      await broker.engine.createTopic({ name, partitionCount: 1, replicationFactor: 1, configs: { "cleanup.policy": policy, "retention.ms": "70000" } });
      for (let i = 0; i < 6; i++) {
        const timestamp = Date.now() - 120_000 + i * 20_000;
        const bytes = encodeBatch([{ key: text(`k${i % 2}`), value: text(`v${i}`), timestamp }]);
        await broker.engine.append(name, 0, { bytes, meta: { recordCount: 1, baseTimestamp: timestamp, maxTimestamp: timestamp, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false } });
      }
    }
    await sweepRetention({ engine: broker.engine, log: broker.log, config: broker.config, checkpoints: new CleanerCheckpoints() });
    const read = await broker.engine.read("changelog", 0, 0, 1 << 20);
    // k1's latest is offset 3 within the cleanable range: the last batch (5) is never compacted
    expect(read.errorCode === 0 ? read.batches.map((b) => b.baseOffset) : read.errorCode).toEqual([3, 4, 5]);
    // retention first: batches older than 70 s (offsets 0-2) go, then compaction
    expect(await broker.engine.offsets("both", 0)).toMatchObject({ logStartOffset: 3 });
  });
});

describe("min.cleanable.dirty.ratio", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const appendKeyed = async (broker: ReturnType<typeof testBroker>, name: string, from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const timestamp = Date.now() - 60_000;
      const bytes = encodeBatch([{ key: text(`k${i % 2}`), value: text(`v${i}`), timestamp }]);
      await broker.engine.append(name, 0, { bytes, meta: { recordCount: 1, baseTimestamp: timestamp, maxTimestamp: timestamp, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false } });
    }
  };
  const baseOffsets = async (broker: ReturnType<typeof testBroker>, name: string) => {
    const read = await broker.engine.read(name, 0, 0, 1 << 20);
    return read.errorCode === 0 ? read.batches.map((b) => b.baseOffset) : read.errorCode;
  };

  test("a pass waits until the bytes written since the last one reach the ratio; max.compaction.lag.ms overrides it", async () => {
    const broker = testBroker();
    const checkpoints = new CleanerCheckpoints();
    const sweep = () => sweepRetention({ engine: broker.engine, log: broker.log, config: broker.config, checkpoints });
    await broker.engine.createTopic({ name: "c", partitionCount: 1, replicationFactor: 1, configs: { "cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.5" } });
    await appendKeyed(broker, "c", 0, 4);
    await sweep(); // the first pass this broker sees always runs; the last batch is never compacted
    expect(await baseOffsets(broker, "c")).toEqual([1, 2, 3]);
    await appendKeyed(broker, "c", 4, 2); // 2 of 5 equal batches dirty: below 0.5
    await sweep();
    expect(await baseOffsets(broker, "c")).toEqual([1, 2, 3, 4, 5]);
    await appendKeyed(broker, "c", 6, 1); // 3 of 6: due
    await sweep();
    expect(await baseOffsets(broker, "c")).toEqual([4, 5, 6]);
    expect(await broker.engine.alterTopicConfigs("c", { "min.cleanable.dirty.ratio": "0.9", "max.compaction.lag.ms": "1" })).toBe(0);
    await appendKeyed(broker, "c", 7, 1);
    await Bun.sleep(5);
    await sweep();
    expect(await baseOffsets(broker, "c")).toEqual([5, 6, 7]);
  });
});
