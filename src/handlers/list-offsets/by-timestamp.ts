// Offsets by timestamp: storage finds the batch by its maxTimestamp; the records inside it say
// which offset answers. Kafka's facts: the earliest record with timestamp >= the target; for
// MAX_TIMESTAMP (KIP-734) the earliest record carrying the largest timestamp.

import type { Engine } from "../../storage/engine.ts";
import { decodeBatch } from "../../protocol/records/index.ts";

export interface FoundOffset {
  offset: number;
  timestamp: number;
}

/** How many batches past the first candidate to look before giving up (all-control batches). */
const MAX_BATCHES_SCANNED = 1000;

export async function offsetAtOrAfter(engine: Engine, topic: string, partition: number, timestamp: number): Promise<FoundOffset | null> {
  let batch = await engine.batchByTimestamp(topic, partition, { kind: "at-or-after", timestamp });
  for (let scanned = 0; batch !== null && scanned < MAX_BATCHES_SCANNED; scanned++) {
    const { header, records } = decodeBatch(batch.bytes, { verifyCrc: false });
    if (!header.isControl) {
      const hit = records.find((r) => r.timestamp >= timestamp);
      if (hit !== undefined) return { offset: hit.offset, timestamp: hit.timestamp };
    }
    const next = await engine.read(topic, partition, batch.lastOffset + 1, 1);
    batch = "batches" in next ? (next.batches[0] ?? null) : null;
  }
  return null;
}

export async function offsetOfMaxTimestamp(engine: Engine, topic: string, partition: number): Promise<FoundOffset | null> {
  const batch = await engine.batchByTimestamp(topic, partition, { kind: "max-timestamp" });
  if (batch === null) return null;
  const { records } = decodeBatch(batch.bytes, { verifyCrc: false });
  let best: FoundOffset | null = null;
  for (const r of records) if (best === null || r.timestamp > best.timestamp) best = { offset: r.offset, timestamp: r.timestamp };
  return best;
}
