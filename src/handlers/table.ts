// The APIs this broker answers: each key's versions and how its requests are ordered, known
// without loading anything else, so ApiVersions is answered at once. A handler's module (with its
// codec) loads when the first request of its API arrives; test/handlers/table.test.ts checks each
// entry against the handler it loads.

import type { Handler } from "./handler.ts";

type Load = () => Promise<{ default: Handler<unknown, unknown> }>;

export interface ApiEntry {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly serial?: boolean;
  readonly ordered?: boolean;
  readonly largeResponses?: boolean;
  readonly load: Load;
}

const api = (apiKey: number, minVersion: number, maxVersion: number, load: Load, flags: Pick<ApiEntry, "serial" | "ordered" | "largeResponses"> = {}): ApiEntry => ({
  apiKey,
  minVersion,
  maxVersion,
  ...flags,
  load,
});
const ordered = { ordered: true } as const;

// in API key order
export const API_TABLE: readonly ApiEntry[] = [
  api(0, 0, 11, () => import("./00-produce.ts"), { serial: true }),
  api(1, 4, 12, () => import("./01-fetch.ts"), { largeResponses: true }),
  api(2, 1, 9, () => import("./02-list-offsets.ts")),
  api(3, 0, 12, () => import("./03-metadata.ts")),
  api(8, 0, 9, () => import("./08-offset-commit.ts"), ordered),
  api(9, 1, 9, () => import("./09-offset-fetch.ts")),
  api(10, 0, 6, () => import("./10-find-coordinator.ts")),
  api(11, 0, 9, () => import("./11-join-group.ts")),
  api(12, 0, 4, () => import("./12-heartbeat.ts")),
  api(13, 0, 5, () => import("./13-leave-group.ts"), ordered),
  api(14, 0, 5, () => import("./14-sync-group.ts")),
  api(15, 0, 5, () => import("./15-describe-groups.ts")),
  api(16, 0, 5, () => import("./16-list-groups.ts")),
  api(17, 0, 1, () => import("./17-sasl-handshake.ts")),
  api(18, 0, 4, () => import("./18-api-versions.ts")),
  api(19, 0, 7, () => import("./19-create-topics.ts"), ordered),
  api(20, 0, 6, () => import("./20-delete-topics.ts"), ordered),
  api(21, 0, 2, () => import("./21-delete-records.ts"), ordered),
  api(22, 0, 5, () => import("./22-init-producer-id.ts"), ordered),
  api(24, 0, 3, () => import("./24-add-partitions-to-txn.ts"), ordered),
  api(25, 0, 4, () => import("./25-add-offsets-to-txn.ts"), ordered),
  api(26, 0, 4, () => import("./26-end-txn.ts"), ordered),
  api(28, 0, 4, () => import("./28-txn-offset-commit.ts"), ordered),
  api(29, 0, 3, () => import("./29-describe-acls.ts")),
  api(30, 0, 3, () => import("./30-create-acls.ts"), ordered),
  api(31, 0, 3, () => import("./31-delete-acls.ts"), ordered),
  api(32, 0, 4, () => import("./32-describe-configs.ts")),
  api(33, 0, 2, () => import("./33-alter-configs.ts"), ordered),
  api(36, 0, 2, () => import("./36-sasl-authenticate.ts"), ordered),
  api(37, 0, 3, () => import("./37-create-partitions.ts"), ordered),
  api(42, 0, 2, () => import("./42-delete-groups.ts"), ordered),
  api(44, 0, 1, () => import("./44-incremental-alter-configs.ts"), ordered),
  api(47, 0, 0, () => import("./47-offset-delete.ts"), ordered),
  api(48, 0, 1, () => import("./48-describe-client-quotas.ts")),
  api(49, 0, 1, () => import("./49-alter-client-quotas.ts")),
  api(50, 0, 0, () => import("./50-describe-user-scram-credentials.ts")),
  api(51, 0, 0, () => import("./51-alter-user-scram-credentials.ts"), ordered),
  api(60, 0, 1, () => import("./60-describe-cluster.ts")),
  api(61, 0, 0, () => import("./61-describe-producers.ts")),
  api(65, 0, 0, () => import("./65-describe-transactions.ts")),
  api(66, 0, 1, () => import("./66-list-transactions.ts")),
];
