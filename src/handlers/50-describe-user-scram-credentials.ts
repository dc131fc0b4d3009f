// DescribeUserScramCredentials (key 50), v0: each user's SCRAM mechanisms and iterations (never
// salts or keys). users null or empty: every user with a credential. A user named twice:
// DUPLICATE_RESOURCE; one without credentials: RESOURCE_NOT_FOUND.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED for the whole request.

import { AclOperation, allowed, CLUSTER_NAME, ResourceType } from "../auth/authorizer.ts";
import { SCRAM_MECHANISM_CODES } from "../auth/scram-names.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeUserScramCredentialsApi, type DescribeUserScramCredentialsRequest, type DescribeUserScramCredentialsResponse } from "../protocol/generated/describe-user-scram-credentials.ts";
import type { StoredScramCredential } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

type Result = DescribeUserScramCredentialsResponse["results"][number];

const describe = (user: string, credentials: readonly StoredScramCredential[]): Result => ({
  user,
  errorCode: 0,
  errorMessage: null,
  credentialInfos: credentials.map((c) => ({ mechanism: SCRAM_MECHANISM_CODES[c.mechanism], iterations: c.iterations })),
});

export default defineHandler<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>({
  api: DescribeUserScramCredentialsApi,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const base = { throttleTimeMs: 0, errorCode: 0, errorMessage: null };
    if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return { ...base, errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, errorMessage: "DESCRIBE on the cluster is needed to describe credentials", results: [] };
    }
    const { engine } = ctx.broker;
    const names = (request.users ?? []).map((u) => u.name);
    if (names.length === 0) {
      const byUser = Map.groupBy(await engine.scramCredentials(), (c) => c.user);
      return { ...base, results: [...byUser].sort(([a], [b]) => (a < b ? -1 : 1)).map(([user, cs]) => describe(user, cs)) };
    }
    const counts = Map.groupBy(names, (n) => n);
    const results = await Promise.all(
      [...counts].map(async ([user, times]): Promise<Result> => {
        if (times.length > 1) return { user, errorCode: ErrorCodes.DUPLICATE_RESOURCE, errorMessage: "Cannot describe SCRAM credentials for the same user twice in a single request", credentialInfos: [] };
        const credentials = await engine.scramCredentials(user);
        if (credentials.length === 0) return { user, errorCode: ErrorCodes.RESOURCE_NOT_FOUND, errorMessage: "Attempt to describe a user credential that does not exist", credentialInfos: [] };
        return describe(user, credentials);
      }),
    );
    return { ...base, results };
  },
});
