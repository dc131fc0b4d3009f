import type { SaslSession } from "../auth/sasl-session.ts";
import type { Broker, Listener } from "../broker.ts";
import type { ApiMessages } from "../protocol/api.ts";
import type { RequestHeader } from "../protocol/header.ts";

export interface RequestContext {
  readonly broker: Broker;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  /**
   * Aborted when the client's connection closes (reason CONNECTION_CLOSED: nobody will read the
   * answer) or the broker shuts down (answer now).
   */
  readonly signal: AbortSignal;
  /** The client's address as the server saw it (absent when a test calls a handler directly). */
  readonly clientAddress?: string;
  /** The listener the client connected through (absent when a test calls a handler directly: then broker.advertised is answered). */
  readonly listener?: Listener;
  /** Who sent the request (`User:name`), once SASL or a client certificate said so; absent: User:ANONYMOUS. */
  readonly principal?: string;
  /** The connection's SASL authentication, on SASL listeners only. */
  readonly sasl?: SaslSession;
  /** Closes the connection once this request's answer has been written (a failed authentication). */
  closeAfterResponse?(reason: string): void;
  /**
   * Tells the connection that nothing will read or write this request's bytes once the handler has
   * answered, so their buffer may take the connection's next request.
   */
  doneWithRequestBytes?(): void;
  /**
   * Runs `section` once the sections of this connection's earlier requests of the same API have
   * finished (for `serial` handlers; for others at once). Work before it may overlap them.
   */
  inOrder<T>(section: () => Promise<T>): Promise<T>;
}

/** The abort reason of a request whose connection has closed. */
export const CONNECTION_CLOSED = "connection closed";

/** inOrder for a request that waits for nobody. */
export const atOnce = <T>(section: () => Promise<T>): Promise<T> => section();

export interface Handler<Request, Response> {
  readonly api: ApiMessages<Request, Response>;
  /** The versions this broker advertises and accepts (a subset of the codec's). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * The `ctx.inOrder` sections of this API's requests on one connection run one at a time, in
   * arrival order (Produce appends there: an idempotent producer's pipelined batches reach storage
   * in sequence order, while the next batches are already being checked).
   */
  readonly serial?: boolean;
  /**
   * The whole request takes effect after the connection's earlier `ordered` requests, of any API,
   * have finished (OffsetCommit, LeaveGroup, the transaction APIs, config and topic changes): a client's pipelined
   * changes apply in the order it sent them.
   */
  readonly ordered?: boolean;
  /**
   * Answers may be large (Fetch): such requests of one connection start one at a time, each once
   * the one before is answered and the connection holds fewer unsent response bytes than its bound.
   */
  readonly largeResponses?: boolean;
  /** null: send no response (Produce with acks=0). Kafka errors are response data, never thrown. */
  handle(request: Request, ctx: RequestContext): Promise<Response | null> | Response | null;
}

/** Erases a handler's message types so handlers of every API fit in one registry. */
export function defineHandler<Request, Response>(h: Handler<Request, Response>): Handler<unknown, unknown> {
  return h as unknown as Handler<unknown, unknown>;
}

/** Thrown by a handler to close the client's connection instead of answering (Kafka does so when
 * an acks=0 produce fails, since the client would otherwise never learn of it). */
export class CloseConnection extends Error {
  override name = "CloseConnection";
}
