// What each group of conformance cases sees, plus assertions the groups share.

import { expect } from "bun:test";
import type { AppendBatch, Engine, StoredBatch } from "../../../src/storage/engine.ts";

export interface ConformanceContext {
  /** The engine under test; a fresh fixture per case. */
  readonly engine: Engine;
  /** A second engine over the same store, as another broker would open it. */
  second(): Promise<Engine>;
  /** A topic name unique to this case. */
  topicName(label: string): string;
  /** Creates a topic named topicName(label) and returns its name. */
  createTopic(label: string, partitionCount?: number, configs?: Record<string, string>): Promise<string>;
}

export async function appendOk(engine: Engine, topic: string, partition: number, batch: AppendBatch): Promise<number> {
  const result = await engine.append(topic, partition, batch);
  if (result.errorCode !== 0) throw new Error(`append to ${topic}/${partition} failed with ${result.errorCode}`);
  return result.baseOffset;
}

export async function readAll(engine: Engine, topic: string, partition: number, from = 0): Promise<StoredBatch[]> {
  const batches: StoredBatch[] = [];
  for (let offset = from; ; ) {
    const result = await engine.read(topic, partition, offset, 1 << 20);
    if (result.errorCode !== 0) throw new Error(`read ${topic}/${partition}@${offset} failed with ${result.errorCode}`);
    const last = result.batches.at(-1);
    if (last === undefined) return batches;
    if (last.lastOffset < offset) throw new Error(`read ${topic}/${partition}@${offset} returned no new batch`);
    batches.push(...result.batches);
    offset = last.lastOffset + 1;
  }
}

export async function highWatermark(engine: Engine, topic: string, partition = 0): Promise<number> {
  const result = await engine.offsets(topic, partition);
  expect(result.errorCode).toBe(0);
  return result.errorCode === 0 ? result.highWatermark : -1;
}
