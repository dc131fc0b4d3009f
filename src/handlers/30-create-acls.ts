// CreateAcls (key 30), v0–3 (v2+ flexible; v0 creates LITERAL bindings only). Each creation is
// checked as Kafka checks it (auth/acl-creation.ts; INVALID_REQUEST with Kafka's message); the
// valid ones are stored in one atomic write, a binding already stored staying stored once, and this
// broker's authorizer reads them at once (other brokers within their refresh interval).
// Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED for every creation. Without
// an authorizer (--authorizer none) every creation answers SECURITY_DISABLED, as Kafka's.

import { creationProblem } from "../auth/acl-creation.ts";
import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { CreateAclsApi, type CreateAclsRequest, type CreateAclsResponse } from "../protocol/generated/create-acls.ts";
import type { AclBinding } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type Result = CreateAclsResponse["results"][number];

const binding = (c: CreateAclsRequest["creations"][number]): AclBinding => ({
  resourceType: c.resourceType,
  resourceName: c.resourceName,
  patternType: c.resourcePatternType,
  principal: c.principal,
  host: c.host,
  operation: c.operation,
  permissionType: c.permissionType,
});

export default defineHandler<CreateAclsRequest, CreateAclsResponse>({
  api: CreateAclsApi,
  minVersion: 0,
  maxVersion: 3,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const all = (errorCode: number, errorMessage: string | null): CreateAclsResponse => ({ throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode, errorMessage })) });
    if (!allowed(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, null);
    const { authorizer } = broker;
    if (authorizer === undefined) return all(ErrorCodes.SECURITY_DISABLED, "No Authorizer is configured.");
    const bindings = request.creations.map(binding);
    const problems = bindings.map(creationProblem);
    const valid = bindings.filter((_, i) => problems[i] === null);
    let stored: Result = { errorCode: ErrorCodes.NONE, errorMessage: null };
    if (valid.length > 0) {
      try {
        await broker.engine.createAcls(valid);
        broker.log.info("created ACLs", { count: valid.length });
        await authorizer.refresh().catch((e: unknown) => broker.log.warn("ACL refresh failed", { error: String(e) }));
      } catch (e) {
        stored = { errorCode: storageErrorCode(e), errorMessage: "ACLs cannot be written to storage" };
      }
    }
    const results = problems.map((problem): Result => (problem === null ? stored : { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: problem }));
    return { throttleTimeMs: 0, results };
  },
});
