// The few request fields the proxy reads from a frame it forwards without decoding: the header
// (read once, to find where the body starts), Produce's acks and JoinGroup's rebalance timeout.

import { JoinGroupApi } from "../protocol/generated/join-group.ts";
import { ProduceApi } from "../protocol/generated/produce.ts";
import { type RequestHeader, readRequestHeaderPrefix, readRequestHeaderRest, requestHeaderVersion } from "../protocol/header.ts";
import { Reader } from "../protocol/primitives.ts";
import { proxiedApi } from "./api-versions.ts";

export type RequestPrefix = Pick<RequestHeader, "apiKey" | "apiVersion" | "correlationId"> & {
  /** Where the body starts; null when the header is cut short or its API is not carried. */
  readonly bodyAt: number | null;
};

/** null when the frame is too short to hold even the API key, version and correlation id. */
export function requestPrefix(frame: Uint8Array): RequestPrefix | null {
  if (frame.length < 8) return null;
  const r = new Reader(frame);
  const prefix = readRequestHeaderPrefix(r);
  const api = proxiedApi(prefix.apiKey);
  let bodyAt: number | null = null;
  if (api !== undefined) {
    try {
      readRequestHeaderRest(r, requestHeaderVersion(api, prefix.apiVersion));
      bodyAt = r.pos;
    } catch {
      // a cut-short header: refused before it goes anywhere
    }
  }
  return { ...prefix, bodyAt };
}

/** `read` over the request body, or null when the frame is cut short there. */
function fromBody(frame: Uint8Array, { bodyAt }: RequestPrefix, read: (r: Reader) => number): number | null {
  if (bodyAt === null) return null;
  try {
    return read(new Reader(frame, bodyAt));
  } catch {
    return null;
  }
}

/** Produce's acks (0: the broker sends no response at all). */
export function produceAcks(frame: Uint8Array, prefix: RequestPrefix): number | null {
  const { apiVersion } = prefix;
  const flexible = apiVersion >= ProduceApi.firstFlexibleVersion;
  return fromBody(frame, prefix, (r) => {
    // transactionalId
    if (apiVersion >= 3) {
      if (flexible) r.compactNullableString();
      else r.nullableString();
    }
    return r.int16();
  });
}

/**
 * How long a JoinGroup may wait in the coordinator for the other members (v0 has only the session
 * timeout, which then plays that role).
 */
export function joinGroupRebalanceTimeoutMs(frame: Uint8Array, prefix: RequestPrefix): number | null {
  const { apiVersion } = prefix;
  const flexible = apiVersion >= JoinGroupApi.firstFlexibleVersion;
  return fromBody(frame, prefix, (r) => {
    // groupId
    if (flexible) r.compactString();
    else r.string();
    const sessionTimeoutMs = r.int32();
    return apiVersion >= 1 ? r.int32() : sessionTimeoutMs;
  });
}
