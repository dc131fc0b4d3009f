// The client's Produce response when the proxy refused some partitions itself: the upstream's
// answers for the partitions it was sent and the proxy's refusals, in the order of the client's
// request, in the client's version.

import { decodeResponse, encodeResponse } from "../protocol/frame.ts";
import { ProduceApi, type ProduceRequest, type ProduceResponse } from "../protocol/generated/produce.ts";
import type { SchemaRejection } from "../schema/check-batch.ts";
import { UpstreamResponseError } from "./rewrites.ts";

type PartitionResponse = ProduceResponse["responses"][number]["partitionResponses"][number];

/** Topic → partition → why the proxy refused it. */
export type Refusals = ReadonlyMap<string, ReadonlyMap<number, SchemaRejection>>;

function refusal(index: number, { errorCode, errorMessage, recordErrors }: SchemaRejection): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors, errorMessage, currentLeader: { leaderId: -1, leaderEpoch: -1 } };
}

function upstreamAnswer(version: number, upstream: Uint8Array | null): ProduceResponse | null {
  if (upstream === null) return null;
  // forward() hands back the frame with its size prefix
  const decoded = decodeResponse(ProduceApi, version, upstream.subarray(4));
  if (!decoded.ok) throw new UpstreamResponseError(`Produce v${version} response: ${decoded.error.message}`);
  return decoded.body;
}

/** `upstream`: the response to the partitions sent on, as forward() gives it; null when none were. */
export function mergedResponse(request: ProduceRequest, version: number, correlationId: number, refused: Refusals, upstream: Uint8Array | null): Uint8Array {
  const answered = upstreamAnswer(version, upstream);
  const topics = new Map(answered?.responses.map((t) => [t.name, t]));
  const responses = request.topicData.map(({ name, partitionData }) => {
    const topic = topics.get(name);
    const partitionResponses = partitionData.map(({ index }) => {
      const rejection = refused.get(name)?.get(index);
      if (rejection !== undefined) return refusal(index, rejection);
      const response = topic?.partitionResponses.find((p) => p.index === index);
      if (response === undefined) throw new UpstreamResponseError(`Produce v${version} response has no answer for ${name}-${index}`);
      return response;
    });
    return { ...topic, name, partitionResponses };
  });
  return encodeResponse(ProduceApi, version, correlationId, { responses, throttleTimeMs: answered?.throttleTimeMs ?? 0, nodeEndpoints: answered?.nodeEndpoints ?? [] });
}
