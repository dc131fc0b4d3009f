// DeleteAcls (key 31), v0–3 (v2+ flexible; v0 has no pattern type: its filters select LITERAL
// bindings). Each filter selects stored bindings as DescribeAcls' does (auth/acl-filter.ts) and
// lists them; a binding several filters select is listed under each, as Kafka's controller does.
// Every selected binding is removed in one atomic write, and this broker's authorizer reads the
// rest at once (other brokers within their refresh interval).
// Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED for every filter. Without
// an authorizer (--authorizer none) every filter answers SECURITY_DISABLED, as Kafka's.
// A filter holding a code Kafka does not know answers INVALID_REQUEST ("Unknown patternFilter." or
// "Unknown entryFilter.", Kafka's controller's words).

import { filterMatches, filterProblem } from "../auth/acl-filter.ts";
import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DeleteAclsApi, type DeleteAclsRequest, type DeleteAclsResponse } from "../protocol/generated/delete-acls.ts";
import type { AclBinding } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";
import { storageErrorCode } from "./storage-errors.ts";

type FilterResult = DeleteAclsResponse["filterResults"][number];

const matchingAcl = (b: AclBinding) => ({ errorCode: ErrorCodes.NONE, errorMessage: null, ...b });

export default defineHandler<DeleteAclsRequest, DeleteAclsResponse>({
  api: DeleteAclsApi,
  minVersion: 0,
  maxVersion: 3,
  ordered: true,
  async handle(request, ctx) {
    const { broker } = ctx;
    const all = (errorCode: number, errorMessage: string | null): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (!allowed(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, null);
    const { authorizer } = broker;
    if (authorizer === undefined) return all(ErrorCodes.SECURITY_DISABLED, "No Authorizer is configured.");
    try {
      const stored = await broker.engine.acls();
      const deleted = new Set<AclBinding>();
      const filterResults = request.filters.map((f): FilterResult => {
        const problem = filterProblem(f);
        if (problem !== null) return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: problem, matchingAcls: [] };
        const matching = stored.filter((b) => filterMatches(f, b));
        for (const b of matching) deleted.add(b);
        return { errorCode: ErrorCodes.NONE, errorMessage: null, matchingAcls: matching.map(matchingAcl) };
      });
      if (deleted.size > 0) {
        await broker.engine.deleteAcls([...deleted]);
        broker.log.info("deleted ACLs", { count: deleted.size });
        await authorizer.refresh().catch((e: unknown) => broker.log.warn("ACL refresh failed", { error: String(e) }));
      }
      return { throttleTimeMs: 0, filterResults };
    } catch (e) {
      return all(storageErrorCode(e), "ACLs cannot be changed in storage");
    }
  },
});
