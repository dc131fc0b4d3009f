// One pass over the partitions of a Fetch: read every partition, then share the response's byte
// budget in request order. The first batch of the first partition with data is returned whole
// even if it exceeds maxBytes or partitionMaxBytes (KIP-74), so a consumer can always progress.
// READ_COMMITTED returns only batches below the lastStableOffset, with the aborted transactions
// that overlap them (asked for after the read: below the LSO an abort is final).

import type { Broker } from "../../broker.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { AbortedTransaction, StoredBatch, TopicInfo } from "../../storage/engine.ts";
import { storageErrorCode } from "../storage-errors.ts";
import { topicConfigValue } from "../../topics/configs.ts";

export interface PartitionWant {
  topic: TopicInfo | null;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  /** An error the partition answers without being read (authorization). */
  refused?: number;
}

export interface PartitionRead {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Uint8Array | null;
  /** READ_COMMITTED only; null otherwise. */
  abortedTransactions: AbortedTransaction[] | null;
}

// a partition with an error still carries records, empty: librdkafka refuses a null records field
const NONE_READ = { highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: new Uint8Array(0), abortedTransactions: null };

function concat(batches: readonly StoredBatch[]): Uint8Array {
  if (batches.length === 1) return batches[0]!.bytes;
  const out = new Uint8Array(batches.reduce((n, b) => n + b.bytes.length, 0));
  let at = 0;
  for (const b of batches) {
    out.set(b.bytes, at);
    at += b.bytes.length;
  }
  return out;
}

type Offsets = Pick<PartitionRead, "highWatermark" | "lastStableOffset" | "logStartOffset">;

async function readOne(broker: Broker, want: PartitionWant, maxBytes: number, readCommitted: boolean): Promise<{ errorCode: number; offsets?: Offsets; batches: StoredBatch[] }> {
  const { topic, partition } = want;
  if (want.refused !== undefined) return { errorCode: want.refused, batches: [] };
  if (topic === null || partition < 0 || partition >= topic.partitionCount) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, batches: [] };
  // a sink topic's records are read from its lake tables; its log is only their way in
  if (topicConfigValue(broker.config, topic, "tansu.lake.sink") === "true") return { errorCode: ErrorCodes.POLICY_VIOLATION, batches: [] };
  try {
    const r = await broker.engine.read(topic.name, partition, want.fetchOffset, Math.max(1, Math.min(want.partitionMaxBytes, maxBytes)));
    const offsets = r.highWatermark === undefined ? undefined : { highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset ?? r.highWatermark, logStartOffset: r.logStartOffset ?? 0 };
    const batches = "batches" in r ? r.batches : [];
    const stable = r.lastStableOffset ?? 0;
    return { errorCode: r.errorCode, offsets, batches: readCommitted ? batches.filter((b) => b.lastOffset < stable) : batches };
  } catch (e) {
    return { errorCode: storageErrorCode(e), batches: [] };
  }
}

/** The aborted transactions a READ_COMMITTED answer of `kept` must carry (null for READ_UNCOMMITTED). */
async function abortedFor(broker: Broker, want: PartitionWant, kept: readonly StoredBatch[], readCommitted: boolean): Promise<AbortedTransaction[] | null> {
  if (!readCommitted) return null;
  const last = kept.at(-1);
  if (last === undefined || want.topic === null) return [];
  return broker.engine.abortedTransactions(want.topic.name, want.partition, want.fetchOffset, last.lastOffset);
}

export async function readPartitions(broker: Broker, wants: readonly PartitionWant[], maxBytes: number, readCommitted: boolean): Promise<{ reads: PartitionRead[]; bytes: number; errors: number }> {
  const raw = await Promise.all(wants.map((w) => readOne(broker, w, maxBytes, readCommitted)));
  let budget = maxBytes;
  let bytes = 0;
  let errors = 0;
  const reads = raw.map((r, i): PartitionRead & { kept: StoredBatch[] } => {
    if (r.errorCode !== ErrorCodes.NONE) {
      errors++;
      return { ...NONE_READ, ...r.offsets, errorCode: r.errorCode, kept: [] };
    }
    const limit = Math.min(wants[i]!.partitionMaxBytes, budget);
    const kept: StoredBatch[] = [];
    let size = 0;
    for (const b of r.batches) {
      const first = bytes === 0 && kept.length === 0;
      if (!first && size + b.bytes.length > limit) break;
      kept.push(b);
      size += b.bytes.length;
    }
    budget -= size;
    bytes += size;
    return { ...NONE_READ, ...r.offsets, errorCode: ErrorCodes.NONE, records: kept.length === 0 ? new Uint8Array(0) : concat(kept), kept };
  });
  try {
    const aborted = await Promise.all(reads.map((r, i) => (r.errorCode === ErrorCodes.NONE ? abortedFor(broker, wants[i]!, r.kept, readCommitted) : null)));
    return { reads: reads.map(({ kept: _, ...r }, i) => ({ ...r, abortedTransactions: aborted[i] ?? (readCommitted ? [] : null) })), bytes, errors };
  } catch (e) {
    const errorCode = storageErrorCode(e);
    return { reads: reads.map(() => ({ ...NONE_READ, errorCode })), bytes: 0, errors: reads.length };
  }
}
