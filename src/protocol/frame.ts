// Whole messages on the wire: an int32 size, a header, a body. Decoding never throws: a frame
// that cannot be read comes back as a DecodeError with the byte where reading stopped.

import type { ApiMessages } from "./api.ts";
import {
  type RequestHeader,
  readRequestHeaderPrefix,
  readRequestHeaderRest,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from "./header.ts";
import { DecodeError, Reader, Writer } from "./primitives.ts";

export type DecodedRequest =
  | { ok: true; header: RequestHeader; api: ApiMessages<unknown, unknown>; body: unknown }
  /** `header` carries what could be read of it (apiKey/apiVersion/correlationId) for error replies. */
  | { ok: false; error: DecodeError; header?: Pick<RequestHeader, "apiKey" | "apiVersion" | "correlationId"> };

/** Writes the int32 size prefix once the frame is complete. */
function withSize(w: Writer, write: () => void): Uint8Array {
  const at = w.reserve(4);
  write();
  w.view.setInt32(at, w.pos - at - 4);
  return w.finish();
}

/** The codecs a decoder knows: Kafka's every API (`apisByKey`), or only those a broker answers. */
export type ApiLookup = (apiKey: number) => ApiMessages<unknown, unknown> | undefined;

/** Decodes a request frame without its size prefix; a key `apiOf` does not know is a DecodeError. */
export function decodeRequest(frame: Uint8Array, apiOf: ApiLookup): DecodedRequest {
  const r = new Reader(frame);
  let prefix: Pick<RequestHeader, "apiKey" | "apiVersion" | "correlationId"> | undefined;
  try {
    prefix = readRequestHeaderPrefix(r);
    const api = apiOf(prefix.apiKey);
    if (api === undefined) return { ok: false, error: new DecodeError("unsupported-version", 0, `unknown API key ${prefix.apiKey}`), header: prefix };
    if (prefix.apiVersion < api.minVersion || prefix.apiVersion > api.maxVersion) {
      return { ok: false, error: new DecodeError("unsupported-version", 2, `${api.name} v${prefix.apiVersion}`), header: prefix };
    }
    const rest = readRequestHeaderRest(r, requestHeaderVersion(api, prefix.apiVersion));
    const body = api.readRequest(r, prefix.apiVersion);
    return { ok: true, header: { ...prefix, ...rest }, api, body };
  } catch (e) {
    return { ok: false, error: asDecodeError(e, r.pos), header: prefix };
  }
}

/** Every failure while decoding bytes becomes a DecodeError (a RangeError from a DataView included). */
export function asDecodeError(e: unknown, at: number): DecodeError {
  if (e instanceof DecodeError) return e;
  return new DecodeError("bad-value", at, e instanceof Error ? e.message : String(e));
}

export function encodeResponse<Response>(
  api: ApiMessages<unknown, Response>,
  version: number,
  correlationId: number,
  body: Response,
  w: Writer = new Writer(1024),
): Uint8Array {
  return withSize(w, () => {
    writeResponseHeader(w, correlationId, responseHeaderVersion(api as ApiMessages<unknown, unknown>, version));
    api.writeResponse(w, body, version);
  });
}

export function encodeRequest<Request>(api: ApiMessages<Request, unknown>, header: RequestHeader, body: Request, w: Writer = new Writer(1024)): Uint8Array {
  return withSize(w, () => {
    writeRequestHeader(w, header, requestHeaderVersion(api as ApiMessages<unknown, unknown>, header.apiVersion));
    api.writeRequest(w, body, header.apiVersion);
  });
}

export type DecodedResponse<Response> = { ok: true; correlationId: number; body: Response } | { ok: false; error: DecodeError };

/** Decodes a response frame (without its size prefix) for a request we sent. */
export function decodeResponse<Response>(api: ApiMessages<unknown, Response>, version: number, frame: Uint8Array): DecodedResponse<Response> {
  const r = new Reader(frame);
  try {
    const { correlationId } = readResponseHeader(r, responseHeaderVersion(api as ApiMessages<unknown, unknown>, version));
    return { ok: true, correlationId, body: api.readResponse(r, version) };
  } catch (e) {
    return { ok: false, error: asDecodeError(e, r.pos) };
  }
}
