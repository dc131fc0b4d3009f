// A topic's cleanup policy from its configs (cleanup.policy, retention.ms, retention.bytes,
// min.compaction.lag.ms, delete.retention.ms, min.cleanable.dirty.ratio, max.compaction.lag.ms),
// with the broker's defaults (log.retention.*) where the topic sets none.

import type { BrokerConfig } from "../config.ts";
import type { CompactionPolicy, RetentionPolicy, TopicInfo } from "../storage/engine.ts";
import { topicConfigValue } from "../topics/configs.ts";
import type { DirtyRule } from "./dirty.ts";

export interface CleanupPolicy {
  /** cleanup.policy includes delete: time and size retention apply. */
  retention: RetentionPolicy | null;
  /** cleanup.policy includes compact: min.compaction.lag.ms and delete.retention.ms resolved. */
  compaction: CompactionPolicy | null;
  /** When a compaction pass is due. */
  dirty: DirtyRule;
}

export function cleanupPolicy(config: BrokerConfig, topic: TopicInfo, now: number): CleanupPolicy {
  const policies = topicConfigValue(config, topic, "cleanup.policy").split(",").map((p) => p.trim());
  const retentionMs = Number(topicConfigValue(config, topic, "retention.ms"));
  const retentionBytes = Number(topicConfigValue(config, topic, "retention.bytes"));
  const retention: RetentionPolicy = {
    expireBefore: retentionMs < 0 ? null : now - retentionMs,
    retainBytes: retentionBytes < 0 ? null : retentionBytes,
  };
  const unlimited = retention.expireBefore === null && retention.retainBytes === null;
  const compaction: CompactionPolicy = {
    compactBefore: now - Number(topicConfigValue(config, topic, "min.compaction.lag.ms")),
    tombstonesBefore: now - Number(topicConfigValue(config, topic, "delete.retention.ms")),
  };
  const dirty: DirtyRule = {
    minCleanableDirtyRatio: Number(topicConfigValue(config, topic, "min.cleanable.dirty.ratio")),
    maxCompactionLagMs: Number(topicConfigValue(config, topic, "max.compaction.lag.ms")),
  };
  return { retention: policies.includes("delete") && !unlimited ? retention : null, compaction: policies.includes("compact") ? compaction : null, dirty };
}
