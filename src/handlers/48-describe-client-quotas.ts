// DescribeClientQuotas (key 48), v0–1 (KIP-546): the stored client quotas whose entities match the
// filter (quotas/describe.ts), read from storage, not from this broker's quota cache.
// Deviation: ip entities cannot be stored here (see AlterClientQuotas), so an ip filter matches
// nothing.
// Authorization: DESCRIBE_CONFIGS on the cluster, else CLUSTER_AUTHORIZATION_FAILED.

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeClientQuotasApi, type DescribeClientQuotasRequest, type DescribeClientQuotasResponse } from "../protocol/generated/describe-client-quotas.ts";
import { quotaFilter } from "../quotas/describe.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

export default defineHandler<DescribeClientQuotasRequest, DescribeClientQuotasResponse>({
  api: DescribeClientQuotasApi,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { broker } = ctx;
    if (!allowed(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return { throttleTimeMs: 0, errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, errorMessage: "Cluster authorization failed.", entries: null };
    }
    const filter = quotaFilter(request.components, request.strict);
    if (typeof filter !== "function") return { throttleTimeMs: 0, ...filter, entries: null };
    try {
      const quotas = (await broker.engine.clientQuotas()).filter(filter);
      const entries = quotas.map((q) => ({ entity: q.entity, values: Object.entries(q.values).map(([key, value]) => ({ key, value })) }));
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, errorMessage: null, entries };
    } catch (e) {
      return { throttleTimeMs: 0, errorCode: storageErrorCode(e), errorMessage: "client quotas cannot be read from storage", entries: null };
    }
  },
});
