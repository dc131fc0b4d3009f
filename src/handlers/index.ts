// Every API this broker answers. ApiVersions advertises exactly these, with these version ranges.

import type { Handler } from "./handler.ts";
import produce from "./00-produce.ts";
import fetch from "./01-fetch.ts";
import listOffsets from "./02-list-offsets.ts";
import metadata from "./03-metadata.ts";
import apiVersions from "./18-api-versions.ts";
import createTopics from "./19-create-topics.ts";
import deleteTopics from "./20-delete-topics.ts";
import initProducerId from "./22-init-producer-id.ts";
import describeConfigs from "./32-describe-configs.ts";
import createPartitions from "./37-create-partitions.ts";
import incrementalAlterConfigs from "./44-incremental-alter-configs.ts";
import describeCluster from "./60-describe-cluster.ts";
// more handlers: keep this list in API key order

const HANDLERS: readonly Handler<unknown, unknown>[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  initProducerId,
  describeConfigs,
  createPartitions,
  incrementalAlterConfigs,
  describeCluster,
  // more handlers: keep this list in API key order
];

export function handlerRegistry(): ReadonlyMap<number, Handler<unknown, unknown>> {
  return new Map(HANDLERS.map((h) => [h.api.apiKey, h]));
}
