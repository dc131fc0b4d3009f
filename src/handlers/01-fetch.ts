// Fetch (key 1), v4–12 (v13+ name topics by id only; not advertised).
// Long poll: answers once minBytes are available, a partition has an error, maxWaitMs passes or
// the broker stops; new data (from this broker or, for shared engines, another) wakes it. A closed
// connection's Fetch ends without reading. A connection's Fetches start one at a time, each once
// the connection has room for its answer (largeResponses), so a client that does not read its
// socket holds at most one answer beyond --queued-max-response-bytes.
// No fetch sessions: sessionId 0 in every answer means "no session" and clients send full fetches;
// a request naming another session id gets FETCH_SESSION_ID_NOT_FOUND.
// isolationLevel READ_COMMITTED (1) answers only below each partition's lastStableOffset, with the
// aborted transactions in the range returned, from which every client drops aborted records.
// A sink topic's partitions answer POLICY_VIOLATION: its records are read from its lake tables.
// Authorization: READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (before
// whether it exists); a follower's fetch (replicaId >= 0) needs CLUSTER_ACTION on the cluster
// instead, else every partition answers TOPIC_AUTHORIZATION_FAILED, as in Kafka.

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { FetchApi, type FetchRequest, type FetchResponse } from "../protocol/generated/fetch.ts";
import type { TopicInfo, TopicPartition } from "../storage/engine.ts";
import { readPartitions, type PartitionRead, type PartitionWant } from "./fetch/read.ts";
import { CONNECTION_CLOSED, defineHandler, type RequestContext } from "./handler.ts";

const READ_COMMITTED = 1;

/** Whether the sender may read `topic`. */
function readable(ctx: RequestContext, request: FetchRequest): (topic: string) => boolean {
  if (request.replicaId >= 0) {
    const follower = allowed(ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME);
    return () => follower;
  }
  return (topic) => allowed(ctx, AclOperation.READ, ResourceType.TOPIC, topic);
}

async function resolveWants(ctx: RequestContext, request: FetchRequest): Promise<{ topic: string; wants: PartitionWant[] }[]> {
  const { broker } = ctx;
  const topics = new Map<string, Promise<TopicInfo | null>>();
  const mayRead = readable(ctx, request);
  return Promise.all(
    request.topics.map(async (t) => {
      if (!mayRead(t.topic)) {
        const refused = ErrorCodes.TOPIC_AUTHORIZATION_FAILED;
        return { topic: t.topic, wants: t.partitions.map((p) => ({ topic: null, partition: p.partition, fetchOffset: Number(p.fetchOffset), partitionMaxBytes: p.partitionMaxBytes, refused })) };
      }
      let info = topics.get(t.topic);
      if (info === undefined) topics.set(t.topic, (info = broker.engine.getTopic(t.topic)));
      const topic = await info;
      const wants = t.partitions.map((p) => ({ topic, partition: p.partition, fetchOffset: Number(p.fetchOffset), partitionMaxBytes: p.partitionMaxBytes }));
      return { topic: t.topic, wants };
    }),
  );
}

/** Waits for new data on any of `partitions`, or until `ms` pass or `signal` aborts. */
async function sleepUntilAppend(broker: Broker, partitions: TopicPartition[], ms: number, signal: AbortSignal, ready: () => Promise<boolean>): Promise<boolean> {
  const iteration = new AbortController();
  const stop = () => iteration.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    // listen before reading, so an append between the read and the wait is not missed
    const woken = broker.engine.waitForAppend(partitions, ms, iteration.signal);
    const done = await ready();
    if (done) iteration.abort();
    await woken;
    return done;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

export default defineHandler<FetchRequest, FetchResponse>({
  api: FetchApi,
  minVersion: 4,
  maxVersion: 12,
  largeResponses: true,
  async handle(request, ctx) {
    const { broker, signal } = ctx;
    const base = { throttleTimeMs: 0, sessionId: 0, nodeEndpoints: [] };
    if (request.sessionId !== 0) return { ...base, errorCode: ErrorCodes.FETCH_SESSION_ID_NOT_FOUND, responses: [] };

    const topics = await resolveWants(ctx, request);
    const wants = topics.flatMap((t) => t.wants);
    const partitions = wants.flatMap((w) => (w.topic === null ? [] : [{ topic: w.topic.name, partition: w.partition }]));
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    let reads: PartitionRead[] = [];
    const attempt = async (): Promise<boolean> => {
      const r = await readPartitions(broker, wants, request.maxBytes, request.isolationLevel === READ_COMMITTED);
      reads = r.reads;
      return r.errors > 0 || r.bytes >= request.minBytes || Date.now() >= deadline || signal.aborted;
    };
    for (let done = false; !done; ) {
      if (signal.reason === CONNECTION_CLOSED) return null;
      const left = deadline - Date.now();
      done = left <= 0 || signal.aborted || partitions.length === 0 ? (await attempt(), true) : await sleepUntilAppend(broker, partitions, left, signal, attempt);
    }

    let i = 0;
    const responses = topics.map((t) => ({
      topic: t.topic,
      topicId: t.wants[0]?.topic?.topicId ?? "00000000-0000-0000-0000-000000000000",
      partitions: t.wants.map((w) => {
        const r = reads[i++]!;
        return {
          partitionIndex: w.partition,
          errorCode: r.errorCode,
          highWatermark: BigInt(r.highWatermark),
          lastStableOffset: BigInt(r.lastStableOffset),
          logStartOffset: BigInt(r.logStartOffset),
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: r.abortedTransactions?.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) })) ?? null,
          preferredReadReplica: -1,
          records: r.records,
        };
      }),
    }));
    return { ...base, errorCode: ErrorCodes.NONE, responses };
  },
});
