// min.cleanable.dirty.ratio and max.compaction.lag.ms as Kafka's cleaner applies them: a partition
// is compacted once its dirty part (bytes that arrived since its last pass) is at least that share
// of all its bytes, or once max.compaction.lag.ms has passed since that pass with dirty bytes
// waiting. Each broker remembers the bytes a partition kept after the pass it last ran or saw, like
// Kafka's cleaner-offset-checkpoint; losing that (a restart) costs one early pass, nothing more.

import { progressKey } from "./progress.ts";

export interface DirtyRule {
  minCleanableDirtyRatio: number;
  maxCompactionLagMs: number;
}

interface Checkpoint {
  cleanBytes: number;
  passAt: number;
}

export class CleanerCheckpoints {
  private readonly partitions = new Map<string, Checkpoint>();

  /** Whether the partition, now holding `retainedBytes`, is due for a compaction pass. */
  due(topic: string, partition: number, retainedBytes: number, rule: DirtyRule, now: number): boolean {
    const last = this.partitions.get(progressKey(topic, partition));
    if (last === undefined) return true;
    const dirty = Math.max(0, retainedBytes - last.cleanBytes);
    if (dirty === 0) return false;
    return dirty / retainedBytes >= rule.minCleanableDirtyRatio || now - last.passAt >= rule.maxCompactionLagMs;
  }

  passed(topic: string, partition: number, retainedBytes: number, now: number): void {
    this.partitions.set(progressKey(topic, partition), { cleanBytes: retainedBytes, passAt: now });
  }

  keepOnly(live: ReadonlySet<string>): void {
    for (const key of this.partitions.keys()) if (!live.has(key)) this.partitions.delete(key);
  }
}
