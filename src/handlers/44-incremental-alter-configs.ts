// IncrementalAlterConfigs (key 44), v0–1. TOPIC resources: SET, DELETE, APPEND and SUBTRACT
// (the last two only for LIST configs), checked like CreateTopics' configs; a resource's changes
// apply all or none; validateOnly checks and changes nothing.
// BROKER and BROKER_LOGGER: static here, so any change answers INVALID_REQUEST.
// A resource named twice answers INVALID_REQUEST for each entry (Kafka's broker does the same).
// Authorization: ALTER_CONFIGS on the topic or, for broker resources, the cluster
// (configs/authorize.ts).

import { IncrementalAlterConfigsApi, type IncrementalAlterConfigsRequest, type IncrementalAlterConfigsResponse } from "../protocol/generated/incremental-alter-configs.ts";
import { AclOperation } from "../auth/authorizer.ts";
import { alter, invalid, type Resource } from "./alter-configs/resources.ts";
import { configsRefusal } from "./configs/authorize.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  api: IncrementalAlterConfigsApi,
  minVersion: 0,
  maxVersion: 1,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const key = (r: Resource) => `${r.resourceType}:${r.resourceName}`;
    const counts = new Map<string, number>();
    for (const r of request.resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    const responses = await Promise.all(
      request.resources.map(async (r) => {
        const outcome = (counts.get(key(r)) ?? 0) > 1 ? invalid("Each resource must appear at most once.") : (configsRefusal(ctx, AclOperation.ALTER_CONFIGS, r) ?? (await alter(broker, r, request.validateOnly)));
        return { ...outcome, resourceType: r.resourceType, resourceName: r.resourceName };
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
