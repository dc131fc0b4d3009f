// The few request fields the proxy reads from a frame it forwards without decoding: the header
// (its fixed prefix read, the rest checked), Produce's acks and JoinGroup's rebalance timeout.

import type { ApiMessages } from "../protocol/api.ts";
import { JoinGroupApi } from "../protocol/generated/join-group.ts";
import { ProduceApi } from "../protocol/generated/produce.ts";
import { type RequestHeader, readRequestHeaderPrefix, readRequestHeaderRest, requestHeaderVersion } from "../protocol/header.ts";
import { Reader } from "../protocol/primitives.ts";

export type RequestPrefix = Pick<RequestHeader, "apiKey" | "apiVersion" | "correlationId">;

/** null when the frame is too short to hold even that. */
export function requestPrefix(frame: Uint8Array): RequestPrefix | null {
  return frame.length < 8 ? null : readRequestHeaderPrefix(new Reader(frame));
}

/** Whether the whole request header (client id, tagged fields) is there to read. */
export function headerIsWhole(frame: Uint8Array, api: ApiMessages<unknown, unknown>, version: number): boolean {
  return fromBody(frame, api, version, () => 0) !== null;
}

/** `read` over the request body, or null when the frame is cut short. */
function fromBody(frame: Uint8Array, api: ApiMessages<unknown, unknown>, version: number, read: (r: Reader) => number): number | null {
  const r = new Reader(frame, 8);
  try {
    readRequestHeaderRest(r, requestHeaderVersion(api, version));
    return read(r);
  } catch {
    return null;
  }
}

/** Produce's acks (0: the broker sends no response at all). */
export function produceAcks(frame: Uint8Array, version: number): number | null {
  const flexible = version >= ProduceApi.firstFlexibleVersion;
  return fromBody(frame, ProduceApi as ApiMessages<unknown, unknown>, version, (r) => {
    // transactionalId
    if (version >= 3) {
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
export function joinGroupRebalanceTimeoutMs(frame: Uint8Array, version: number): number | null {
  const flexible = version >= JoinGroupApi.firstFlexibleVersion;
  return fromBody(frame, JoinGroupApi as ApiMessages<unknown, unknown>, version, (r) => {
    // groupId
    if (flexible) r.compactString();
    else r.string();
    const sessionTimeoutMs = r.int32();
    return version >= 1 ? r.int32() : sessionTimeoutMs;
  });
}
