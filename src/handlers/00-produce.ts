// Produce (key 0), v0–11 advertised, record batch v2 (v3+) stored. v0–2 carry message formats
// v0/v1 and are answered UNSUPPORTED_FOR_MESSAGE_FORMAT; they are advertised because librdkafka
// 2.0.2 sends gzip, snappy and lz4 batches only to a broker whose Produce range includes v0.
// acks 0 stores the batch and sends no response at all; acks 1 and -1 answer once the batch is
// durable in storage (storage is the replication). A connection's requests are checked as they
// arrive and appended strictly in arrival order (ctx.inOrder): an idempotent producer's pipelined
// batches reach storage in sequence order, and while one request's append waits on storage, the
// next request is already being checked — and, when the engine applies appends in call order
// (Engine.appendsInCallOrder), already handed to it.
// Each batch is first checked as Kafka's log validator checks it, with Kafka's error code for each
// fault and, for records that break a rule (no key on a compacted topic, timestamps), one
// recordErrors entry per record plus a summary in errorMessage (v8+); a batch whose offsetDeltas
// are not 0..n-1 is re-encoded rather than refused (produce/validate.ts).
// Batches to a topic with a schema are checked against it before storing (produce/schema.ts).
// A transactional batch is stored only for a partition its producer added to the ongoing
// transaction of the request's transactionalId (KIP-890 part 1; INVALID_TXN_STATE otherwise) and
// carries the transaction's verificationGuard to storage (src/transactions/verify.ts).
// A sink topic (tansu.lake.sink=true) is answered once its tables hold the batch (lake/sink.ts):
// REQUEST_TIMED_OUT when they do not within the request's timeoutMs; POLICY_VIOLATION on a broker
// without --lake-url, where nothing would ever write them.
// Authorization (produce/authorize.ts): WRITE on each topic (TOPIC_AUTHORIZATION_FAILED for its
// partitions) and, for transactional batches, WRITE on the transactionalId
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED for every partition).

import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { ProduceApi, type ProduceRequest, type ProduceResponse } from "../protocol/generated/produce.ts";
import { type BatchHeader, setLogAppendTime } from "../protocol/records/index.ts";
import type { AppendResult, TopicInfo } from "../storage/engine.ts";
import { CloseConnection, defineHandler } from "./handler.ts";
import { produceAuthorization } from "./produce/authorize.ts";
import { checkSchema } from "./produce/schema.ts";
import { topicConfigValue } from "../topics/configs.ts";
import { checkProducedBatch } from "./produce/validate.ts";
import { storageErrorCode } from "./storage-errors.ts";
import { type BatchProducer, verifyTransactionalBatch } from "../transactions/verify.ts";

type PartitionResponse = ProduceResponse["responses"][number]["partitionResponses"][number];

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };
const NOT_IN_TRANSACTION = "the partition is not in the producer's ongoing transaction";

function answer(index: number, errorCode: number, errorMessage: string | null, more: Partial<PartitionResponse> = {}): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage, currentLeader: NO_LEADER, ...more };
}

/** Whether an append failed by exception: the engine may then still be reading the batch's bytes. */
interface Appends {
  threw: boolean;
}

/** A partition's batch that passed every check, ready to append. */
interface Accepted {
  topic: TopicInfo;
  index: number;
  batch: Uint8Array;
  header: BatchHeader;
  logAppendTime: boolean;
  now: number;
  /** A sink topic's batch, answered once its tables hold it. */
  sink: boolean;
  /** Transactional batches: the transaction they were verified against. */
  verification?: { producer: BatchProducer; verificationGuard: number; cached: boolean };
}

/** Everything that decides a partition's answer short of storing: done before the request's turn. */
async function checkPartition(broker: Broker, topic: TopicInfo | null, index: number, records: Uint8Array | null, request: ProduceRequest, apiVersion: number): Promise<PartitionResponse | Accepted> {
  const { acks } = request;
  if (acks !== 0 && acks !== 1 && acks !== -1) return answer(index, ErrorCodes.INVALID_REQUIRED_ACKS, `acks ${acks} is not 0, 1 or -1`);
  if (topic === null || index < 0 || index >= topic.partitionCount) return answer(index, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, null);
  if (apiVersion < 3) return answer(index, ErrorCodes.UNSUPPORTED_FOR_MESSAGE_FORMAT, "Produce v0-2 carry message formats v0/v1; send record batch v2 with Produce v3 or later");
  const sink = topicConfigValue(broker.config, topic, "tansu.lake.sink") === "true";
  if (sink && broker.lake === undefined) return answer(index, ErrorCodes.POLICY_VIOLATION, `${topic.name} is a sink topic (tansu.lake.sink) and this broker has no --lake-url to write it to`);
  const now = Date.now();
  const check = checkProducedBatch(records, topic, broker.config, apiVersion, now);
  if (!check.ok) {
    broker.log.debug("produce rejected", { topic: topic.name, partition: index, error: check.errorMessage });
    return answer(index, check.errorCode, check.errorMessage, { recordErrors: check.recordErrors });
  }
  const { batch, header } = check;
  let verification: Accepted["verification"];
  if (header.isTransactional) {
    if (request.transactionalId === null) return answer(index, ErrorCodes.INVALID_TXN_STATE, "a transactional batch needs the request's transactionalId");
    const producer = { transactionalId: request.transactionalId, producerId: header.producerId, producerEpoch: header.producerEpoch };
    const verified = await verifyTransactionalBatch(broker.engine, producer, topic.name, index);
    if (!verified.ok) return answer(index, verified.errorCode, verified.errorCode === ErrorCodes.INVALID_TXN_STATE ? NOT_IN_TRANSACTION : null);
    verification = { producer, verificationGuard: verified.verificationGuard, cached: verified.cached };
  }
  const rejected = await checkSchema(broker, topic, batch);
  if (rejected !== null) {
    broker.log.debug("produce rejected by schema", { topic: topic.name, partition: index, error: rejected.errorMessage });
    return answer(index, rejected.errorCode, rejected.errorMessage, { recordErrors: rejected.recordErrors });
  }
  return { topic, index, batch, header, logAppendTime: check.logAppendTime, now, sink, ...(verification === undefined ? {} : { verification }) };
}

function append(broker: Broker, { topic, index, batch, header, logAppendTime, now }: Accepted, verificationGuard: number | undefined): Promise<AppendResult> {
  return broker.engine.append(topic.name, index, {
    bytes: batch,
    meta: {
      recordCount: header.recordCount,
      baseTimestamp: header.baseTimestamp,
      maxTimestamp: logAppendTime ? now : header.maxTimestamp,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      isTransactional: header.isTransactional,
      isControl: header.isControl,
      ...(verificationGuard === undefined ? {} : { verificationGuard }),
    },
  });
}

/** A transactional batch refused for a guard this broker had cached: verify from storage and try once more. */
async function appendVerifiedAfresh(broker: Broker, accepted: Accepted, refused: AppendResult): Promise<AppendResult> {
  const v = accepted.verification;
  if (refused.errorCode !== ErrorCodes.INVALID_TXN_STATE || v === undefined || !v.cached) return refused;
  const again = await verifyTransactionalBatch(broker.engine, v.producer, accepted.topic.name, accepted.index, true);
  if (!again.ok) return { errorCode: again.errorCode };
  return again.verificationGuard === v.verificationGuard ? refused : append(broker, accepted, again.verificationGuard);
}

async function appendPartition(broker: Broker, accepted: Accepted, appends: Appends): Promise<PartitionResponse> {
  const { index, batch, logAppendTime, now } = accepted;
  if (logAppendTime) setLogAppendTime(batch, now);
  try {
    const result = await appendVerifiedAfresh(broker, accepted, await append(broker, accepted, accepted.verification?.verificationGuard));
    if (!("baseOffset" in result)) return answer(index, result.errorCode, null, { logStartOffset: BigInt(result.logStartOffset ?? -1) });
    return answer(index, ErrorCodes.NONE, null, {
      baseOffset: BigInt(result.baseOffset),
      logAppendTimeMs: logAppendTime ? BigInt(result.logAppendTimeMs) : -1n,
      logStartOffset: BigInt(result.logStartOffset),
    });
  } catch (e) {
    appends.threw = true;
    return answer(index, storageErrorCode(e), "storage failed; retry");
  }
}

export default defineHandler<ProduceRequest, ProduceResponse>({
  api: ProduceApi,
  minVersion: 0,
  maxVersion: 11,
  serial: true,
  async handle(request, ctx) {
    const { broker, apiVersion, doneWithRequestBytes, inOrder } = ctx;
    const appends: Appends = { threw: false };
    const authorization = produceAuthorization(ctx, request);
    const checked = await Promise.all(
      request.topicData.map(async (t) => {
        const refused = authorization(t.name);
        if (refused !== ErrorCodes.NONE) return { name: t.name, partitions: t.partitionData.map((p) => answer(p.index, refused, null)) };
        let topic: TopicInfo | null;
        try {
          topic = await broker.engine.getTopic(t.name);
        } catch (e) {
          const errorCode = storageErrorCode(e);
          return { name: t.name, partitions: t.partitionData.map((p) => answer(p.index, errorCode, "storage failed; retry")) };
        }
        return { name: t.name, partitions: await Promise.all(t.partitionData.map((p) => checkPartition(broker, topic, p.index, p.records, request, apiVersion))) };
      }),
    );
    const ordered = broker.engine.appendsInCallOrder === true;
    const appending = await inOrder(async () => {
      const started = checked.map((t) => ({ name: t.name, partitionResponses: t.partitions.map((p) => ("batch" in p ? appendPartition(broker, p, appends) : p)) }));
      // the turn passes on once the engine has this request's batches, or, for an engine that
      // might apply a later append first, once they are stored
      if (!ordered) await Promise.all(started.flatMap((t) => t.partitionResponses));
      return started;
    });
    const responses = await Promise.all(
      appending.map(async (t, i) => ({
        name: t.name,
        partitionResponses: await Promise.all(
          t.partitionResponses.map(async (pending, j) => {
            const [response, p] = [await pending, checked[i]!.partitions[j]!];
            if (!("batch" in p) || !p.sink || request.acks === 0 || response.errorCode !== ErrorCodes.NONE) return response;
            const lastOffset = Number(response.baseOffset) + p.header.recordCount - 1;
            if (await broker.lake!.inTables(p.topic.name, p.index, lastOffset, request.timeoutMs, ctx.signal)) return response;
            return answer(p.index, ErrorCodes.REQUEST_TIMED_OUT, "the records are stored but not yet in the topic's lake tables");
          }),
        ),
      })),
    );
    // engines copy what they keep of a batch once its append has resolved (AppendBatch)
    if (!appends.threw) doneWithRequestBytes?.();
    if (request.acks === 0) {
      const failed = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCodes.NONE).map((p) => `${t.name}-${p.index}: ${p.errorMessage ?? p.errorCode}`));
      if (failed.length > 0) throw new CloseConnection(`acks=0 produce failed (${failed.join("; ")})`);
      return null;
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
  },
});
