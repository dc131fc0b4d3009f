// What this broker's retention checks last found and did, per partition, for the admin port: the
// offsets and retained bytes as of the last check, and compaction's passes and removed records
// since this broker started (every broker runs the checks; each counts its own work).

export interface PartitionProgress {
  topic: string;
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  retainedBytes: number;
  batchCount: number;
  /** When the last check of the partition ended (ms since the epoch). */
  checkedAt: number;
  compactionRuns: number;
  removedRecords: number;
  /** How long the last compaction pass took, in ms; null before the first. */
  lastCompactionMs: number | null;
}

export const progressKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class CleanupProgress {
  private readonly partitions = new Map<string, PartitionProgress>();

  get(topic: string, partition: number): PartitionProgress | undefined {
    return this.partitions.get(progressKey(topic, partition));
  }

  all(): IterableIterator<PartitionProgress> {
    return this.partitions.values();
  }

  /** The partition's entry, created empty on first use. */
  entry(topic: string, partition: number): PartitionProgress {
    const key = progressKey(topic, partition);
    let p = this.partitions.get(key);
    if (p === undefined) {
      p = { topic, partition, logStartOffset: 0, highWatermark: 0, retainedBytes: 0, batchCount: 0, checkedAt: 0, compactionRuns: 0, removedRecords: 0, lastCompactionMs: null };
      this.partitions.set(key, p);
    }
    return p;
  }

  /** Forgets partitions of topics no longer there (deleted, or fewer partitions). */
  keepOnly(live: ReadonlySet<string>): void {
    for (const key of this.partitions.keys()) if (!live.has(key)) this.partitions.delete(key);
  }
}

