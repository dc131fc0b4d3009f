// Request header v1/v2 and response header v0/v1.
// - Request header v2 (flexible API versions) adds tagged fields; clientId keeps its int16 length.
// - Response header v1 (flexible API versions) adds tagged fields, except for ApiVersions, whose
//   response header is always v0 so that a client can read it whatever version the broker knows.

import type { ApiMessages } from "./api.ts";
import { NO_TAGGED_FIELDS, type Reader, type TaggedField, type Writer } from "./primitives.ts";

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  unknownTaggedFields?: TaggedField[];
}

export function isFlexible(api: ApiMessages<unknown, unknown>, version: number): boolean {
  return version >= api.firstFlexibleVersion;
}

export function requestHeaderVersion(api: ApiMessages<unknown, unknown>, version: number): 1 | 2 {
  return isFlexible(api, version) ? 2 : 1;
}

export function responseHeaderVersion(api: ApiMessages<unknown, unknown>, version: number): 0 | 1 {
  return api.apiKey !== API_VERSIONS_KEY && isFlexible(api, version) ? 1 : 0;
}

/** The three fields every request header version starts with. */
export function readRequestHeaderPrefix(r: Reader): Pick<RequestHeader, "apiKey" | "apiVersion" | "correlationId"> {
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32() };
}

/** The rest of a request header after its prefix. */
export function readRequestHeaderRest(r: Reader, headerVersion: 1 | 2): Pick<RequestHeader, "clientId" | "unknownTaggedFields"> {
  const clientId = r.nullableString();
  const unknownTaggedFields = headerVersion === 2 ? r.taggedFields(null) : undefined;
  return { clientId, unknownTaggedFields };
}

export function writeRequestHeader(w: Writer, h: RequestHeader, headerVersion: 1 | 2): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId);
  if (headerVersion === 2) w.taggedFields(h.unknownTaggedFields ?? NO_TAGGED_FIELDS);
}

export function readResponseHeader(r: Reader, headerVersion: 0 | 1): { correlationId: number } {
  const correlationId = r.int32();
  if (headerVersion === 1) r.taggedFields(null);
  return { correlationId };
}

export function writeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId);
  if (headerVersion === 1) w.taggedFields(NO_TAGGED_FIELDS);
}
