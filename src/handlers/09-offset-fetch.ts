// OffsetFetch (key 9), v1–9: committed offsets, whatever the group's state (groups that only commit
// have no members). A partition never committed answers offset -1, leader epoch -1, metadata "".
// v1 reports group-level errors on each partition; v2+ may ask for every committed partition
// (topics null) and has a top-level error; v8+ asks for several groups at once. requireStable
// (v7+, KIP-447): a partition with offsets held by a transaction not yet complete answers
// UNSTABLE_OFFSET_COMMIT (retriable) instead of an offset the transaction may replace.
// Authorization, as Kafka's: DESCRIBE on the group, else GROUP_AUTHORIZATION_FAILED (the group's
// error; v1: each partition's); DESCRIBE on each topic, else its partitions asked for answer offset
// -1 with TOPIC_AUTHORIZATION_FAILED and, asking for every committed partition, it is left out.

import { AclOperation, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { OffsetFetchApi, type OffsetFetchRequest, type OffsetFetchResponse } from "../protocol/generated/offset-fetch.ts";
import { type CommittedOffset, StorageError } from "../storage/engine.ts";
import { allTransactions } from "../transactions/list.ts";
import { pendingPartitions } from "../transactions/offsets.ts";
import { defineHandler, type RequestContext } from "./handler.ts";

type FetchedTopic = OffsetFetchResponse["topics"][number];

interface Fetched {
  errorCode: number;
  topics: FetchedTopic[];
}

const partitionOf = (partitionIndex: number, o: CommittedOffset | undefined, errorCode: number = ErrorCodes.NONE) => ({
  partitionIndex,
  committedOffset: BigInt(o?.offset ?? -1),
  committedLeaderEpoch: o?.leaderEpoch ?? -1,
  metadata: o?.metadata ?? "",
  errorCode,
});

function byTopic(offsets: readonly CommittedOffset[]): FetchedTopic[] {
  const topics = new Map<string, CommittedOffset[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic);
    if (list === undefined) topics.set(o.topic, [o]);
    else list.push(o);
  }
  return [...topics.keys()].sort().map((name) => ({
    name,
    partitions: (topics.get(name) ?? []).sort((a, b) => a.partition - b.partition).map((o) => partitionOf(o.partition, o)),
  }));
}

/** Marks the partitions a transaction holds offsets for; every partition fails if storage does. */
async function markUnstable(broker: Broker, groupId: string, fetched: Fetched): Promise<Fetched> {
  const all = await allTransactions(broker.engine);
  const pending = all.ok ? new Set(pendingPartitions(all.transactions.map((t) => t.state), groupId).map((o) => `${o.partition}:${o.topic}`)) : null;
  const topics = fetched.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      if (pending === null) return partitionOf(p.partitionIndex, undefined, all.ok ? ErrorCodes.NONE : all.errorCode);
      return pending.has(`${p.partitionIndex}:${t.name}`) ? partitionOf(p.partitionIndex, undefined, ErrorCodes.UNSTABLE_OFFSET_COMMIT) : p;
    }),
  }));
  return { errorCode: all.ok ? fetched.errorCode : all.errorCode, topics };
}

/** One group's offsets: of the listed partitions, or of every committed partition (null). */
async function fetchGroup(broker: Broker, groupId: string, topics: readonly { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean): Promise<Fetched> {
  const fetched = await fetchCommitted(broker, groupId, topics);
  return requireStable && fetched.errorCode === ErrorCodes.NONE ? markUnstable(broker, groupId, fetched) : fetched;
}

type Asked = readonly { name: string; partitionIndexes: number[] }[] | null;

/** fetchGroup over what the sender may describe. */
async function fetchAuthorized(ctx: RequestContext, groupId: string, topics: Asked, requireStable: boolean): Promise<Fetched> {
  const refused = (errorCode: number, t: { name: string; partitionIndexes: number[] }) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(p, undefined, errorCode)) });
  if (!allowed(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
    const errorCode = ErrorCodes.GROUP_AUTHORIZATION_FAILED;
    return { errorCode, topics: (topics ?? []).map((t) => refused(errorCode, t)) };
  }
  const describable = (name: string) => allowed(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
  if (topics === null) {
    const fetched = await fetchGroup(ctx.broker, groupId, null, requireStable);
    return { ...fetched, topics: fetched.topics.filter((t) => describable(t.name)) };
  }
  const fetched = await fetchGroup(ctx.broker, groupId, topics.filter((t) => describable(t.name)), requireStable);
  if (fetched.errorCode !== ErrorCodes.NONE) return fetched;
  const found = new Map(fetched.topics.map((t) => [t.name, t]));
  return { errorCode: ErrorCodes.NONE, topics: topics.map((t) => found.get(t.name) ?? refused(ErrorCodes.TOPIC_AUTHORIZATION_FAILED, t)) };
}

async function fetchCommitted(broker: Broker, groupId: string, topics: readonly { name: string; partitionIndexes: number[] }[] | null): Promise<Fetched> {
  const wanted = topics?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition }))) ?? null;
  let committed: CommittedOffset[];
  try {
    committed = await broker.engine.fetchOffsets(groupId, wanted);
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    const errorCode = ErrorCodes.COORDINATOR_NOT_AVAILABLE;
    return { errorCode, topics: (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(p, undefined, errorCode)) })) };
  }
  if (topics === null) return { errorCode: ErrorCodes.NONE, topics: byTopic(committed) };
  const found = new Map(committed.map((o) => [`${o.partition}:${o.topic}`, o]));
  return {
    errorCode: ErrorCodes.NONE,
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(p, found.get(`${p}:${t.name}`))) })),
  };
}

export default defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  api: OffsetFetchApi,
  minVersion: 1,
  maxVersion: 9,
  async handle(request, ctx) {
    const { apiVersion } = ctx;
    if (apiVersion >= 8) {
      const groups = await Promise.all(
        request.groups.map(async (g) => {
          const fetched = await fetchAuthorized(ctx, g.groupId, g.topics, request.requireStable);
          return { groupId: g.groupId, errorCode: fetched.errorCode, topics: fetched.errorCode === ErrorCodes.NONE ? fetched.topics : [] };
        }),
      );
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCodes.NONE, groups };
    }
    const fetched = await fetchAuthorized(ctx, request.groupId, request.topics, apiVersion >= 7 && request.requireStable);
    // v1 has no top-level error: the partitions carry it
    const topics = apiVersion < 2 || fetched.errorCode === ErrorCodes.NONE ? fetched.topics : [];
    return { throttleTimeMs: 0, topics, errorCode: fetched.errorCode, groups: [] };
  },
});
