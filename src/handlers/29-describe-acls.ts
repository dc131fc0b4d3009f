// DescribeAcls (key 29), v0–3 (v2+ flexible; v0 has no pattern type: its filter selects LITERAL
// bindings). The stored bindings the filter selects (auth/acl-filter.ts), read from storage so that
// every broker's latest changes show, grouped by resource pattern.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED. Without an authorizer
// (--authorizer none) the answer is SECURITY_DISABLED, as Kafka's.
// Deviation: a filter holding a code Kafka does not know answers INVALID_REQUEST (Kafka closes the
// connection).

import { filterMatches, filterProblem } from "../auth/acl-filter.ts";
import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeAclsApi, type DescribeAclsRequest, type DescribeAclsResponse } from "../protocol/generated/describe-acls.ts";
import type { AclBinding } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type Resource = DescribeAclsResponse["resources"][number];

function byPattern(bindings: readonly AclBinding[]): Resource[] {
  const resources = new Map<string, Resource>();
  for (const b of bindings) {
    const key = `${b.resourceType}:${b.patternType}:${b.resourceName}`;
    let r = resources.get(key);
    if (r === undefined) resources.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
  }
  return [...resources.values()];
}

export default defineHandler<DescribeAclsRequest, DescribeAclsResponse>({
  api: DescribeAclsApi,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const failed = (errorCode: number, errorMessage: string | null): DescribeAclsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return failed(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, null);
    if (ctx.broker.authorizer === undefined) return failed(ErrorCodes.SECURITY_DISABLED, "No Authorizer is configured on the broker");
    const problem = filterProblem(request);
    if (problem !== null) return failed(ErrorCodes.INVALID_REQUEST, problem);
    try {
      const bindings = (await ctx.broker.engine.acls()).filter((b) => filterMatches(request, b));
      return { throttleTimeMs: 0, errorCode: ErrorCodes.NONE, errorMessage: null, resources: byPattern(bindings) };
    } catch (e) {
      return failed(storageErrorCode(e), "ACLs cannot be read from storage");
    }
  },
});
