import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import type { TopicInfo } from "../storage/engine.ts";

/**
 * Creates a topic with the broker's defaults (auto.create.topics.enable). Another broker may
 * create it at the same moment: TOPIC_ALREADY_EXISTS then means "read it back".
 */
export async function autoCreateTopic(broker: Broker, name: string): Promise<TopicInfo | null> {
  const { numPartitions, defaultReplicationFactor } = broker.config;
  const created = await broker.engine.createTopic({ name, partitionCount: numPartitions, replicationFactor: defaultReplicationFactor, configs: {} });
  if ("topic" in created) {
    broker.log.info("auto-created topic", { topic: name, partitions: numPartitions });
    return created.topic;
  }
  if (created.errorCode === ErrorCodes.TOPIC_ALREADY_EXISTS) return broker.engine.getTopic(name);
  return null;
}
