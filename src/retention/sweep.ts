// What every broker does every log.retention.check.interval.ms: apply each topic's cleanup policy
// to each of its partitions, then note where the partition stands (CleanupProgress). Engines make
// every step safe with any number of brokers doing the same at once (logStartOffset only rises;
// compaction swaps by compare-and-swap or row conditions).

import type { BrokerConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import type { CompactionPolicy, Engine } from "../storage/engine.ts";
import type { CleanerCheckpoints, DirtyRule } from "./dirty.ts";
import { cleanupPolicy } from "./policy.ts";
import { type CleanupProgress, progressKey } from "./progress.ts";

export interface RetentionContext {
  engine: Engine;
  log: Logger;
  config: BrokerConfig;
  progress?: CleanupProgress;
  /** Kept from one sweep to the next: what each partition held after its last compaction pass. */
  checkpoints: CleanerCheckpoints;
}

export async function sweepRetention(ctx: RetentionContext): Promise<void> {
  const live = new Set<string>();
  for (const topic of await ctx.engine.listTopics()) {
    const policy = cleanupPolicy(ctx.config, topic, Date.now());
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      live.add(progressKey(topic.name, partition));
      if (policy.retention !== null) {
        const r = await ctx.engine.applyRetention(topic.name, partition, policy.retention);
        if (r.errorCode !== 0) ctx.log.debug("retention skipped", { topic: topic.name, partition, errorCode: r.errorCode });
      }
      const compacted = policy.compaction !== null && (await compactIfDue(ctx, topic.name, partition, policy.compaction, policy.dirty));
      // what the partition holds now: the cleaner's checkpoint after a pass, and the admin view
      if (!compacted && ctx.progress === undefined) continue;
      const retained = await ctx.engine.retained(topic.name, partition);
      if (retained.errorCode !== 0) continue;
      if (compacted) ctx.checkpoints.passed(topic.name, partition, retained.retainedBytes, Date.now());
      await note(ctx, topic.name, partition, retained);
    }
  }
  ctx.progress?.keepOnly(live);
  ctx.checkpoints.keepOnly(live);
}

/** Runs a pass if the partition is due for one; true when it ran. */
async function compactIfDue(ctx: RetentionContext, topic: string, partition: number, policy: CompactionPolicy, rule: DirtyRule): Promise<boolean> {
  const before = await ctx.engine.retained(topic, partition);
  if (before.errorCode !== 0 || !ctx.checkpoints.due(topic, partition, before.retainedBytes, rule, Date.now())) return false;
  await compact(ctx, topic, partition, policy);
  return true;
}

async function compact(ctx: RetentionContext, topic: string, partition: number, policy: CompactionPolicy): Promise<void> {
  ctx.log.debug("compacting", { topic, partition });
  const t0 = performance.now();
  const r = await ctx.engine.compact(topic, partition, policy);
  if (r.errorCode !== 0) {
    ctx.log.debug("compaction skipped", { topic, partition, errorCode: r.errorCode });
    return;
  }
  if (r.removedRecords > 0) ctx.log.debug("compacted", { topic, partition, removedRecords: r.removedRecords });
  const p = ctx.progress?.entry(topic, partition);
  if (p === undefined) return;
  p.compactionRuns++;
  p.removedRecords += r.removedRecords;
  p.lastCompactionMs = performance.now() - t0;
}

async function note(ctx: RetentionContext, topic: string, partition: number, retained: { retainedBytes: number; batchCount: number }): Promise<void> {
  if (ctx.progress === undefined) return;
  const offsets = await ctx.engine.offsets(topic, partition);
  if (offsets.errorCode !== 0) return;
  const p = ctx.progress.entry(topic, partition);
  p.logStartOffset = offsets.logStartOffset;
  p.highWatermark = offsets.highWatermark;
  p.retainedBytes = retained.retainedBytes;
  p.batchCount = retained.batchCount;
  p.checkedAt = Date.now();
}
