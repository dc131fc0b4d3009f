// Every failure the client reports is a ClientError with one of a closed set of codes.

import { errorName } from "../protocol/errors.ts";

export type ClientErrorCode =
  /** The TCP connection could not be made (refused, unresolvable host, connect timeout). */
  | "connect-failed"
  /** The connection closed while requests were waiting for their responses. */
  | "closed"
  /** No response within the request timeout. */
  | "timeout"
  /** The broker sent bytes that are not a valid response to what was asked. */
  | "protocol"
  /** The broker supports no version of an API that both sides know. */
  | "unsupported-version"
  /** The broker answered with a Kafka error code. */
  | "broker-error";

export class ClientError extends Error {
  override name = "ClientError";

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** The Kafka error code, for "broker-error". */
    readonly errorCode: number | null = null,
  ) {
    super(message);
  }

  /** A broker error: `context: ERROR_NAME` plus the broker's message when it gave one. */
  static broker(errorCode: number, context: string, errorMessage: string | null = null): ClientError {
    const detail = errorMessage !== null && errorMessage !== "" ? `: ${errorMessage}` : "";
    return new ClientError("broker-error", `${context}: ${errorName(errorCode)}${detail}`, errorCode);
  }
}

/** Throws a broker error when `errorCode` is not NONE. */
export function check(errorCode: number, context: string, errorMessage: string | null = null): void {
  if (errorCode !== 0) throw ClientError.broker(errorCode, context, errorMessage);
}
