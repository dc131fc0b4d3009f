// One client request through the upstream connection its client is bound to: checked against what
// the proxy carries, sent on as the client's own bytes under the upstream connection's correlation
// id, and answered under the client's (rewritten first when the response names brokers).

import { sizePrefixed } from "../protocol/frames.ts";
import { FetchApi } from "../protocol/generated/fetch.ts";
import { JoinGroupApi } from "../protocol/generated/join-group.ts";
import { ProduceApi } from "../protocol/generated/produce.ts";
import { SyncGroupApi } from "../protocol/generated/sync-group.ts";
import type { Advertise } from "./advertise.ts";
import { proxiedApi, type ProxyVersions } from "./api-versions.ts";
import { joinGroupRebalanceTimeoutMs, produceAcks, type RequestPrefix } from "./peek.ts";
import { REWRITES } from "./rewrites.ts";
import type { Upstream } from "./upstream.ts";

/** Produce with acks=0 is the one request Kafka never answers. */
export function expectsResponse(frame: Uint8Array, prefix: RequestPrefix): boolean {
  return prefix.apiKey !== ProduceApi.apiKey || produceAcks(frame, prefix) !== 0;
}

const WAITING_APIS: ReadonlySet<number> = new Set([FetchApi.apiKey, JoinGroupApi.apiKey, SyncGroupApi.apiKey]);

/**
 * Requests a broker holds until something happens: a Fetch long poll until records arrive, a
 * JoinGroup or SyncGroup until the other members come. A broker serves each connection's requests
 * in order (Kafka one at a time; ours one Fetch at a time), so on a shared upstream connection one
 * client's would hold up every other client's, and group members would wait for each other there.
 */
export const waitsInBroker = (apiKey: number) => WAITING_APIS.has(apiKey);

/** Why the proxy will not carry this request (Kafka closes the connection then too), or null. */
export function refusal({ apiKey, apiVersion, bodyAt }: RequestPrefix, versions: ProxyVersions): string | null {
  const api = proxiedApi(apiKey);
  const range = versions.get(apiKey);
  if (api === undefined || range === undefined) return `API key ${apiKey} is not carried by the proxy`;
  if (apiVersion < range.min || apiVersion > range.max) return `${api.name} v${apiVersion} is outside v${range.min}–${range.max}`;
  if (bodyAt === null) return `${api.name} v${apiVersion} request header is malformed`;
  return null;
}

/** Forwards a Produce with acks=0; resolves once the upstream socket has taken it. */
export function forwardUnanswered(upstream: Upstream, frame: Uint8Array): Promise<void> {
  upstream.metrics?.countRequest(ProduceApi.apiKey);
  return upstream.connection.forwardUnanswered(sizePrefixed(frame));
}

/**
 * Forwards a request and resolves with its client's response frame (size prefix included). A
 * JoinGroup may wait in the coordinator for its rebalance timeout, so it gets that on top of
 * `requestTimeoutMs`, as Kafka's own clients allow.
 */
export async function forward(upstream: Upstream, frame: Uint8Array, prefix: RequestPrefix, requestTimeoutMs: number, advertise: Advertise): Promise<Uint8Array> {
  const { apiKey, apiVersion, correlationId } = prefix;
  const waitsForGroup = apiKey === JoinGroupApi.apiKey ? (joinGroupRebalanceTimeoutMs(frame, prefix) ?? 0) : 0;
  const what = `${proxiedApi(apiKey)?.name ?? `API ${apiKey}`} v${apiVersion}`;
  const { metrics } = upstream;
  metrics?.countRequest(apiKey);
  const sent = metrics === null ? 0 : performance.now();
  let response: Uint8Array;
  try {
    response = await upstream.connection.forward(sizePrefixed(frame), what, requestTimeoutMs + Math.max(0, waitsForGroup));
  } catch (e) {
    metrics?.countUpstreamError(apiKey);
    throw e;
  }
  metrics?.observeRoundTrip(apiKey, (performance.now() - sent) / 1000);
  const rewrite = REWRITES.get(apiKey);
  if (rewrite !== undefined) return rewrite(response, apiVersion, correlationId, advertise);
  // both response header versions start with the correlation id
  new DataView(response.buffer, response.byteOffset, response.byteLength).setInt32(0, correlationId);
  return sizePrefixed(response);
}
