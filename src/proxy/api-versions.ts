// The APIs the proxy carries and the versions it advertises: per API, what both the upstream broker
// (its ApiVersions answer) and the generated codec know. The proxy answers ApiVersions itself.
// Left out: SASL (upstream connections are shared, so they cannot carry one client's
// authentication), delegation tokens (they need that authentication), inter-broker and controller
// APIs, and share groups (early access in Kafka 3.9).

import type { ApiMessages } from "../protocol/api.ts";
import type { BrokerVersions, VersionRange } from "../client/versions.ts";
import { ProduceApi } from "../protocol/generated/produce.ts";
import { FetchApi } from "../protocol/generated/fetch.ts";
import { ListOffsetsApi } from "../protocol/generated/list-offsets.ts";
import { MetadataApi } from "../protocol/generated/metadata.ts";
import { OffsetCommitApi } from "../protocol/generated/offset-commit.ts";
import { OffsetFetchApi } from "../protocol/generated/offset-fetch.ts";
import { FindCoordinatorApi } from "../protocol/generated/find-coordinator.ts";
import { JoinGroupApi } from "../protocol/generated/join-group.ts";
import { HeartbeatApi } from "../protocol/generated/heartbeat.ts";
import { LeaveGroupApi } from "../protocol/generated/leave-group.ts";
import { SyncGroupApi } from "../protocol/generated/sync-group.ts";
import { DescribeGroupsApi } from "../protocol/generated/describe-groups.ts";
import { ListGroupsApi } from "../protocol/generated/list-groups.ts";
import { CreateTopicsApi } from "../protocol/generated/create-topics.ts";
import { DeleteTopicsApi } from "../protocol/generated/delete-topics.ts";
import { DeleteRecordsApi } from "../protocol/generated/delete-records.ts";
import { InitProducerIdApi } from "../protocol/generated/init-producer-id.ts";
import { OffsetForLeaderEpochApi } from "../protocol/generated/offset-for-leader-epoch.ts";
import { AddPartitionsToTxnApi } from "../protocol/generated/add-partitions-to-txn.ts";
import { AddOffsetsToTxnApi } from "../protocol/generated/add-offsets-to-txn.ts";
import { EndTxnApi } from "../protocol/generated/end-txn.ts";
import { TxnOffsetCommitApi } from "../protocol/generated/txn-offset-commit.ts";
import { DescribeAclsApi } from "../protocol/generated/describe-acls.ts";
import { CreateAclsApi } from "../protocol/generated/create-acls.ts";
import { DeleteAclsApi } from "../protocol/generated/delete-acls.ts";
import { DescribeConfigsApi } from "../protocol/generated/describe-configs.ts";
import { AlterConfigsApi } from "../protocol/generated/alter-configs.ts";
import { AlterReplicaLogDirsApi } from "../protocol/generated/alter-replica-log-dirs.ts";
import { DescribeLogDirsApi } from "../protocol/generated/describe-log-dirs.ts";
import { CreatePartitionsApi } from "../protocol/generated/create-partitions.ts";
import { DeleteGroupsApi } from "../protocol/generated/delete-groups.ts";
import { ElectLeadersApi } from "../protocol/generated/elect-leaders.ts";
import { IncrementalAlterConfigsApi } from "../protocol/generated/incremental-alter-configs.ts";
import { AlterPartitionReassignmentsApi } from "../protocol/generated/alter-partition-reassignments.ts";
import { ListPartitionReassignmentsApi } from "../protocol/generated/list-partition-reassignments.ts";
import { OffsetDeleteApi } from "../protocol/generated/offset-delete.ts";
import { DescribeClientQuotasApi } from "../protocol/generated/describe-client-quotas.ts";
import { AlterClientQuotasApi } from "../protocol/generated/alter-client-quotas.ts";
import { DescribeUserScramCredentialsApi } from "../protocol/generated/describe-user-scram-credentials.ts";
import { AlterUserScramCredentialsApi } from "../protocol/generated/alter-user-scram-credentials.ts";
import { DescribeQuorumApi } from "../protocol/generated/describe-quorum.ts";
import { DescribeClusterApi } from "../protocol/generated/describe-cluster.ts";
import { DescribeProducersApi } from "../protocol/generated/describe-producers.ts";
import { DescribeTransactionsApi } from "../protocol/generated/describe-transactions.ts";
import { ListTransactionsApi } from "../protocol/generated/list-transactions.ts";
import { ConsumerGroupHeartbeatApi } from "../protocol/generated/consumer-group-heartbeat.ts";
import { ConsumerGroupDescribeApi } from "../protocol/generated/consumer-group-describe.ts";
import { GetTelemetrySubscriptionsApi } from "../protocol/generated/get-telemetry-subscriptions.ts";
import { PushTelemetryApi } from "../protocol/generated/push-telemetry.ts";
import { DescribeTopicPartitionsApi } from "../protocol/generated/describe-topic-partitions.ts";

interface Proxied {
  api: ApiMessages<unknown, unknown>;
  /**
   * The newest version whose response names no broker address: Produce v10+ and Fetch v16+ name
   * the new leader's host and port on NOT_LEADER_OR_FOLLOWER, DescribeQuorum v2+ its nodes'. The
   * proxy forwards these responses unread, so it offers no version that would let an upstream
   * address reach a client.
   */
  max?: number;
}

const PROXIED: readonly Proxied[] = [
  { api: ProduceApi, max: 9 },
  { api: FetchApi, max: 15 },
  { api: ListOffsetsApi },
  { api: MetadataApi },
  { api: OffsetCommitApi },
  { api: OffsetFetchApi },
  { api: FindCoordinatorApi },
  { api: JoinGroupApi },
  { api: HeartbeatApi },
  { api: LeaveGroupApi },
  { api: SyncGroupApi },
  { api: DescribeGroupsApi },
  { api: ListGroupsApi },
  { api: CreateTopicsApi },
  { api: DeleteTopicsApi },
  { api: DeleteRecordsApi },
  { api: InitProducerIdApi },
  { api: OffsetForLeaderEpochApi },
  { api: AddPartitionsToTxnApi },
  { api: AddOffsetsToTxnApi },
  { api: EndTxnApi },
  { api: TxnOffsetCommitApi },
  { api: DescribeAclsApi },
  { api: CreateAclsApi },
  { api: DeleteAclsApi },
  { api: DescribeConfigsApi },
  { api: AlterConfigsApi },
  { api: AlterReplicaLogDirsApi },
  { api: DescribeLogDirsApi },
  { api: CreatePartitionsApi },
  { api: DeleteGroupsApi },
  { api: ElectLeadersApi },
  { api: IncrementalAlterConfigsApi },
  { api: AlterPartitionReassignmentsApi },
  { api: ListPartitionReassignmentsApi },
  { api: OffsetDeleteApi },
  { api: DescribeClientQuotasApi },
  { api: AlterClientQuotasApi },
  { api: DescribeUserScramCredentialsApi },
  { api: AlterUserScramCredentialsApi },
  { api: DescribeQuorumApi, max: 1 },
  { api: DescribeClusterApi },
  { api: DescribeProducersApi },
  { api: DescribeTransactionsApi },
  { api: ListTransactionsApi },
  { api: ConsumerGroupHeartbeatApi },
  { api: ConsumerGroupDescribeApi },
  { api: GetTelemetrySubscriptionsApi },
  { api: PushTelemetryApi },
  { api: DescribeTopicPartitionsApi },
];

const BY_KEY: ReadonlyMap<number, ApiMessages<unknown, unknown>> = new Map(PROXIED.map(({ api }) => [api.apiKey, api]));

/** The codec of an API the proxy carries (its header layout, its name). */
export const proxiedApi = (apiKey: number) => BY_KEY.get(apiKey);

/** Per API key, the versions a client of the proxy may use. */
export type ProxyVersions = ReadonlyMap<number, VersionRange>;

export function proxyVersions(upstream: BrokerVersions): ProxyVersions {
  const out = new Map<number, VersionRange>();
  for (const { api, max = api.maxVersion } of PROXIED) {
    const theirs = upstream.get(api.apiKey);
    if (theirs === undefined) continue;
    const range = { min: Math.max(theirs.min, api.minVersion), max: Math.min(theirs.max, api.maxVersion, max) };
    if (range.min <= range.max) out.set(api.apiKey, range);
  }
  return out;
}
