// One request frame in, at most one response frame out. Kafka closes the connection on an unknown
// API key or an unsupported version, except for ApiVersions, which answers UNSUPPORTED_VERSION with
// a v0 body listing its own range, so that a newer client can retry with a version we know.
// Client quotas are enforced here, for every API: a client over a quota gets its answer with
// throttleTimeMs set and its connection muted for that long (KIP-219).

import { ANONYMOUS_PRINCIPAL } from "../auth/authorizer.ts";
import { saslRefusal } from "../auth/sasl-gate.ts";
import type { SaslSession } from "../auth/sasl-session.ts";
import type { Broker, Listener } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { decodeRequest, encodeResponse } from "../protocol/frame.ts";
import { Writer } from "../protocol/primitives.ts";
import { ApiVersionsApi } from "../protocol/generated/api-versions.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import { CloseConnection, type RequestContext } from "../handlers/handler.ts";
import type { ApiEntry } from "../handlers/table.ts";

export type DispatchResult =
  | { response: Uint8Array | null; close: null }
  /** Close the connection after the responses before this one (and this one's, if any) have been written. */
  | { response: Uint8Array | null; close: string };

export interface Dispatched {
  /** The request's API (its ordering flags), when this broker answers it. */
  entry: ApiEntry | null;
  /** `inOrder` orders the handler's ordered section among the connection's requests. */
  run(inOrder: RequestContext["inOrder"]): Promise<DispatchResult>;
}

function unsupportedApiVersions(broker: Broker, correlationId: number): DispatchResult {
  const own = broker.handlers.entry(API_VERSIONS_KEY);
  const body = {
    errorCode: ErrorCodes.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: own?.minVersion ?? 0, maxVersion: own?.maxVersion ?? 0 }],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
  return { response: encodeResponse(ApiVersionsApi, 0, correlationId, body), close: null };
}

/** What a request's connection says about its client, read as the request runs. */
export interface Session {
  readonly listener?: Listener;
  /** From a verified client certificate, else User:ANONYMOUS; SASL's principal wins once set. */
  readonly principal: string;
  /** On SASL listeners. */
  readonly sasl?: SaslSession;
  /** A reused buffer for a large answer, when the connection has one. */
  takeResponseBuffer?(): Uint8Array | undefined;
}

/**
 * Decodes a frame and prepares its handling; `run` does the work (the caller decides when).
 * `mute` stops reading the client's connection for a while (a quota's throttle time).
 */
export function prepare(...args: Parameters<typeof prepareLoaded>): Dispatched {
  const [frame, broker] = args;
  // a request header starts with its int16 API key: a handler not yet loaded loads first
  const apiKey = frame.length >= 2 ? (((frame[0]! << 8) | frame[1]!) << 16) >> 16 : -1;
  const loading = broker.handlers.loaded(apiKey) === undefined ? broker.handlers.load(apiKey) : undefined;
  if (loading === undefined) return prepareLoaded(...args);
  return { entry: broker.handlers.entry(apiKey) ?? null, run: (inOrder) => loading.then(() => prepareLoaded(...args).run(inOrder)) };
}

function prepareLoaded(
  frame: Uint8Array,
  broker: Broker,
  signal: AbortSignal,
  clientAddress?: string,
  doneWithRequestBytes?: () => void,
  mute?: (ms: number) => void,
  session?: Session,
): Dispatched {
  // only the APIs this broker answers are decoded: a key it has no handler for closes the connection
  const decoded = decodeRequest(frame, (apiKey) => broker.handlers.loaded(apiKey)?.api);
  if (!decoded.ok) {
    const h = decoded.header;
    if (h !== undefined && h.apiKey === API_VERSIONS_KEY && decoded.error.code === "unsupported-version") {
      return { entry: null, run: async () => unsupportedApiVersions(broker, h.correlationId) };
    }
    const what = h === undefined ? "request" : `request key=${h.apiKey} v${h.apiVersion} correlation=${h.correlationId}`;
    return { entry: null, run: async () => ({ response: null, close: `undecodable ${what}: ${decoded.error.message}` }) };
  }
  const { header, body } = decoded;
  const handler = broker.handlers.loaded(header.apiKey);
  if (handler === undefined || header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
    if (header.apiKey === API_VERSIONS_KEY) return { entry: null, run: async () => unsupportedApiVersions(broker, header.correlationId) };
    return { entry: null, run: async () => ({ response: null, close: `unsupported version ${decoded.api.name} v${header.apiVersion}` }) };
  }
  const { observer } = broker;
  const receivedAt = observer === undefined ? 0 : performance.now();
  return {
    entry: broker.handlers.entry(header.apiKey) ?? null,
    run: async (inOrder) => {
      try {
        const refused = saslRefusal(session?.sasl, header.apiKey, handler.api.name);
        if (refused !== null) return { response: null, close: refused };
        const principal = session?.sasl?.principal ?? session?.principal ?? ANONYMOUS_PRINCIPAL;
        let closeAfter: string | null = null;
        // quotas name a user by the principal's name, without its type (User:)
        const meter = broker.quotas?.meter(principal.slice(principal.indexOf(":") + 1), header, frame.length, body) ?? null;
        const turn = meter?.inOrder(inOrder) ?? inOrder;
        const ctx: RequestContext = {
          broker: meter === null ? broker : { ...broker, engine: meter.engine(broker.engine) },
          header,
          apiVersion: header.apiVersion,
          signal,
          clientAddress,
          listener: session?.listener,
          principal,
          sasl: session?.sasl,
          closeAfterResponse: (reason) => {
            closeAfter = reason;
          },
          doneWithRequestBytes,
          inOrder: turn,
        };
        const handle = () => Promise.resolve(handler.handle(body, ctx));
        const response = await (handler.ordered === true ? turn(handle) : handle());
        observer?.requestHandled(header.apiKey, handler.api.name, header.apiVersion, body, response, (performance.now() - receivedAt) / 1000);
        const buffer = handler.largeResponses === true ? session?.takeResponseBuffer?.() : undefined;
        const encode = (r: unknown) => encodeResponse(handler.api, header.apiVersion, header.correlationId, r, new Writer(buffer ?? 1024));
        if (meter === null) return { response: response === null ? null : encode(response), close: closeAfter };
        const answer = meter.answer(response, encode);
        if (answer.throttleTimeMs > 0) mute?.(answer.throttleTimeMs);
        return { response: answer.bytes, close: closeAfter };
      } catch (e) {
        observer?.requestHandled(header.apiKey, handler.api.name, header.apiVersion, body, undefined, (performance.now() - receivedAt) / 1000);
        if (e instanceof CloseConnection) return { response: null, close: e.message };
        broker.log.error("request failed", { api: handler.api.name, version: header.apiVersion, client: header.clientId, error: e instanceof Error ? e.message : String(e) });
        if (broker.log.enabled("debug") && e instanceof Error && e.stack !== undefined) broker.log.debug(e.stack);
        return { response: null, close: `internal error in ${handler.api.name}` };
      }
    },
  };
}
