// A topic's cleanup policy from its configs (cleanup.policy, retention.ms, retention.bytes), with
// the broker's defaults (log.retention.*) where the topic sets none.

import type { BrokerConfig } from "../config.ts";
import type { RetentionPolicy, TopicInfo } from "../storage/engine.ts";
import { topicConfigValue } from "../topics/configs.ts";

export interface CleanupPolicy {
  /** cleanup.policy includes delete: time and size retention apply. */
  retention: RetentionPolicy | null;
  /** cleanup.policy includes compact. */
  compact: boolean;
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
  return { retention: policies.includes("delete") && !unlimited ? retention : null, compact: policies.includes("compact") };
}
