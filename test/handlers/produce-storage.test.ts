// Produce through the handler into each local engine. The batches are views into one decoded
// request, as on the server; SQLite sets baseOffset in them in place (AppendBatch), and what is
// stored must still be each batch exactly as sent but for its baseOffset.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi, type ProduceRequest } from "../../src/protocol/generated/index.ts";
import { encodeBatch, setBaseOffset, type EncodeBatchOptions } from "../../src/protocol/records/index.ts";
import type { Engine, StoredBatch } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { openSqliteEngine } from "../../src/storage/sqlite/index.ts";
import { call, testBroker } from "./broker.ts";

const TOPIC = "stored";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const engines: Record<string, () => Promise<Engine>> = {
  memory: async () => openMemoryEngine(),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), "tansu-produce-"));
    const engine = await openSqliteEngine(new URL(`sqlite://${join(dir, "tansu.db")}`));
    cleanups.push(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return engine;
  },
};

function batch(values: string[], options: EncodeBatchOptions = {}): Uint8Array {
  return encodeBatch(
    values.map((v) => ({ value: new TextEncoder().encode(v), timestamp: Date.now() })),
    options,
  );
}

function request(partitions: { index: number; records: Uint8Array }[]): ProduceRequest {
  return { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: partitions }] };
}

function withBaseOffset(bytes: Uint8Array, baseOffset: number): Uint8Array {
  const copy = bytes.slice();
  setBaseOffset(copy, baseOffset);
  return copy;
}

async function stored(engine: Engine, partition: number): Promise<StoredBatch[]> {
  const result = await engine.read(TOPIC, partition, 0, 1 << 20);
  if (result.errorCode !== 0) throw new Error(`read failed with ${result.errorCode}`);
  return result.batches;
}

for (const [name, open] of Object.entries(engines)) {
  describe(`produce into ${name}`, () => {
    test("batches of one request read back byte for byte with the offsets they were given", async () => {
      const engine = await open();
      await engine.createTopic({ name: TOPIC, partitionCount: 2, replicationFactor: 1, configs: {} });
      const broker = testBroker([], engine);
      const a = batch(["a0", "a1", "a2"]);
      const b = batch(["b0"]);
      const c = batch(["c0", "c1"]);
      const first = await call(broker, ProduceApi, 11, request([{ index: 0, records: a }, { index: 1, records: b }]));
      const second = await call(broker, ProduceApi, 11, request([{ index: 0, records: c }]));
      expect(first.responses[0]?.partitionResponses.map((p) => [p.errorCode, p.baseOffset])).toEqual([
        [ErrorCodes.NONE, 0n],
        [ErrorCodes.NONE, 0n],
      ]);
      expect(second.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 3n });
      expect((await stored(engine, 0)).map((s) => [s.baseOffset, s.lastOffset, s.bytes])).toEqual([
        [0, 2, withBaseOffset(a, 0)],
        [3, 4, withBaseOffset(c, 3)],
      ]);
      expect((await stored(engine, 1)).map((s) => s.bytes)).toEqual([withBaseOffset(b, 0)]);
    });

    test("a duplicate idempotent batch is answered its original offset and leaves storage unchanged", async () => {
      const engine = await open();
      await engine.createTopic({ name: TOPIC, partitionCount: 1, replicationFactor: 1, configs: {} });
      const broker = testBroker([], engine);
      const producer = { producerId: 7, producerEpoch: 0 };
      await call(broker, ProduceApi, 11, request([{ index: 0, records: batch(["x"], { ...producer, baseSequence: 0 }) }]));
      const resent = batch(["y0", "y1"], { ...producer, baseSequence: 1 });
      for (let i = 0; i < 2; i++) {
        const response = await call(broker, ProduceApi, 11, request([{ index: 0, records: resent }]));
        expect(response.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 1n });
      }
      const before = await stored(engine, 0);
      const again = await call(broker, ProduceApi, 11, request([{ index: 0, records: resent }]));
      expect(again.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: ErrorCodes.NONE, baseOffset: 1n });
      expect(await stored(engine, 0)).toEqual(before);
      expect(before.map((s) => s.baseOffset)).toEqual([0, 1]);
      expect(before[1]?.bytes).toEqual(withBaseOffset(resent, 1));
      expect(await engine.offsets(TOPIC, 0)).toMatchObject({ errorCode: 0, highWatermark: 3 });
    });
  });
}
