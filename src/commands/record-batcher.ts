// Records → partitions → RecordBatch v2 per partition. A line with a TAB is key<TAB>value.
// Partitioning as Kafka's default partitioner for keyed records (murmur2); keyless records go
// round-robin.

import { keyPartition, type PartitionBatch, type PartitionLeader } from "../client/index.ts";
import { encodeBatch, type RecordInput } from "../protocol/records/index.ts";

const TAB = 0x09;
/** Per-record overhead in a batch, roughly: length, attributes, deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 16;

export function parseLine(line: Uint8Array): RecordInput {
  const tab = line.indexOf(TAB);
  if (tab < 0) return { key: null, value: line };
  return { key: line.subarray(0, tab), value: line.subarray(tab + 1) };
}

export class RecordBatcher {
  private readonly pending = new Map<number, RecordInput[]>();
  private next = 0;
  /** Bytes waiting to be sent, roughly. */
  pendingBytes = 0;

  constructor(
    private readonly partitions: readonly PartitionLeader[],
    /** Every record goes here when set. */
    private readonly fixedPartition?: number,
  ) {}

  add(record: RecordInput): void {
    const partition = this.partitionFor(record);
    const records = this.pending.get(partition);
    if (records === undefined) this.pending.set(partition, [record]);
    else records.push(record);
    this.pendingBytes += RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  }

  /** One batch per partition with records waiting; empties the batcher. */
  take(): PartitionBatch[] {
    const batches: PartitionBatch[] = [];
    for (const [partition, records] of this.pending) {
      const leader = this.partitions.find((p) => p.partition === partition)?.leader ?? -1;
      batches.push({ partition, leader, records: encodeBatch(records) });
    }
    this.pending.clear();
    this.pendingBytes = 0;
    return batches;
  }

  private partitionFor(record: RecordInput): number {
    if (this.fixedPartition !== undefined) return this.fixedPartition;
    const count = this.partitions.length;
    if (record.key !== null && record.key !== undefined) return keyPartition(record.key, count);
    return this.partitions[this.next++ % count]!.partition;
  }
}
