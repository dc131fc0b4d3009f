// AlterConfigs (key 33), v0–2: the legacy, non-incremental form, still used by kafkajs's
// admin.alterConfigs. The configs given become the resource's whole explicit set: every config
// set before and not named again returns to its default. A null value removes the config.
// Checks and answers as IncrementalAlterConfigs (a resource named twice: INVALID_REQUEST).
// Authorization: ALTER_CONFIGS on the topic or, for broker resources, the cluster
// (configs/authorize.ts).

import { AlterConfigsApi, type AlterConfigsRequest, type AlterConfigsResponse } from "../protocol/generated/alter-configs.ts";
import { ResourceType } from "../topics/config-entries.ts";
import { AlterConfigOp, type AlterableConfig } from "../topics/alter-configs.ts";
import { AclOperation } from "../auth/authorizer.ts";
import { alter, invalid, type Resource } from "./alter-configs/resources.ts";
import { configsRefusal } from "./configs/authorize.ts";
import { defineHandler } from "./handler.ts";
import type { Broker } from "../broker.ts";

type Requested = AlterConfigsRequest["resources"][number];

/** The SET and DELETE operations that turn the current explicit configs into the requested set. */
async function asOperations(broker: Broker, r: Requested): Promise<Resource> {
  const given: AlterableConfig[] = r.configs.map((c) => ({ name: c.name, configOperation: c.value === null ? AlterConfigOp.DELETE : AlterConfigOp.SET, value: c.value }));
  if (r.resourceType !== ResourceType.TOPIC) return { resourceType: r.resourceType, resourceName: r.resourceName, configs: given };
  const topic = r.resourceName === "" ? null : await broker.engine.getTopic(r.resourceName);
  const named = new Set(r.configs.map((c) => c.name));
  const cleared = Object.keys(topic?.configs ?? {})
    .filter((name) => !named.has(name))
    .map((name) => ({ name, configOperation: AlterConfigOp.DELETE, value: null }));
  return { resourceType: r.resourceType, resourceName: r.resourceName, configs: [...given, ...cleared] };
}

export default defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  api: AlterConfigsApi,
  minVersion: 0,
  maxVersion: 2,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const key = (r: Requested) => `${r.resourceType}:${r.resourceName}`;
    const counts = new Map<string, number>();
    for (const r of request.resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    const responses = await Promise.all(
      request.resources.map(async (r) => {
        const outcome =
          (counts.get(key(r)) ?? 0) > 1 ? invalid("Each resource must appear at most once.") : (configsRefusal(ctx, AclOperation.ALTER_CONFIGS, r) ?? (await alter(broker, await asOperations(broker, r), request.validateOnly)));
        return { ...outcome, resourceType: r.resourceType, resourceName: r.resourceName };
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
