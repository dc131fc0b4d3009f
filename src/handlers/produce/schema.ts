// Broker-side schema validation of a produced batch: with a schema registry configured and the
// topic's tansu.schema.validation not false, the batch is checked against the topic's schema
// (src/schema/check-batch.ts says what each outcome answers).

import type { Broker } from "../../broker.ts";
import { schemaRejection, type SchemaRejection } from "../../schema/check-batch.ts";
import type { TopicInfo } from "../../storage/engine.ts";
import { topicConfigValue } from "../../topics/configs.ts";

/** `batch` has passed checkProducedBatch; its records are decoded only when the topic has a schema. */
export async function checkSchema(broker: Broker, topic: TopicInfo, batch: Uint8Array): Promise<SchemaRejection | null> {
  if (broker.schemas === undefined || topicConfigValue(broker.config, topic, "tansu.schema.validation") === "false") return null;
  return schemaRejection(await broker.schemas.lookup(topic.name), batch);
}
