// What every broker does every log.retention.check.interval.ms: apply each topic's cleanup policy
// to each of its partitions. Engines make every step safe with any number of brokers doing the
// same at once (logStartOffset only rises; compaction swaps by compare-and-swap or row conditions).

import type { BrokerConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";
import { cleanupPolicy } from "./policy.ts";

export interface RetentionContext {
  engine: Engine;
  log: Logger;
  config: BrokerConfig;
}

export async function sweepRetention(ctx: RetentionContext): Promise<void> {
  for (const topic of await ctx.engine.listTopics()) {
    const policy = cleanupPolicy(ctx.config, topic, Date.now());
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      if (policy.retention !== null) {
        const r = await ctx.engine.applyRetention(topic.name, partition, policy.retention);
        if (r.errorCode !== 0) ctx.log.debug("retention skipped", { topic: topic.name, partition, errorCode: r.errorCode });
      }
      if (policy.compaction !== null) {
        const r = await ctx.engine.compact(topic.name, partition, policy.compaction);
        if (r.errorCode !== 0) ctx.log.debug("compaction skipped", { topic: topic.name, partition, errorCode: r.errorCode });
        else if (r.removedRecords > 0) ctx.log.debug("compacted", { topic: topic.name, partition, removedRecords: r.removedRecords });
      }
    }
  }
}
