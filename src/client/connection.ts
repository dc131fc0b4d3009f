// One TCP connection to one broker: pipelined requests matched to responses by correlation id,
// each with its own timeout. A failure of the connection fails every request waiting on it.
// Requests are encoded here, or arrive encoded (a proxy forwarding its clients' frames): either
// way they go out under this connection's own correlation ids.

import type { Socket } from "bun";
import type { ApiMessages } from "../protocol/api.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { decodeResponse, encodeRequest, type DecodedResponse } from "../protocol/frame.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import { type Address, formatAddress } from "./address.ts";
import { ClientError } from "./errors.ts";
import { coalesce } from "../protocol/coalesce.ts";
import { FrameAssembler } from "../protocol/frames.ts";

export interface ConnectionOptions {
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** Connect with TLS, trusting `ca` (PEM) when given, else the system's CAs. */
  tls?: { ca?: string } | null;
  onClose?: () => void;
}

/** Bytes not yet taken by the socket; `done` is told when they all are, or why they never will be. */
interface Unsent {
  bytes: Uint8Array;
  done?: (failure: ClientError | null) => void;
}

interface Waiting {
  /** The response frame, without its size prefix. */
  onResponse: (frame: Uint8Array) => void;
  reject: (e: ClientError) => void;
  /** performance.now() past which the request times out. */
  deadline: number;
  what: string;
  timeoutMs: number;
}

export class BrokerConnection {
  readonly name: string;
  private socket: Socket<undefined> | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When `timer` fires (Infinity: not armed). */
  private timerAt = Infinity;
  /** Requests that timed out: their late responses are dropped. */
  private readonly abandoned = new Set<number>();
  private readonly outbox: Unsent[] = [];
  private corked: Unsent[] = [];
  private readonly frames: FrameAssembler;
  private nextCorrelationId = 0;
  private failure: ClientError | null = null;

  private constructor(
    readonly address: Address,
    private readonly options: ConnectionOptions,
  ) {
    this.name = formatAddress(address);
    this.frames = new FrameAssembler(options.maxResponseBytes, 4, "response", true);
  }

  static async open(address: Address, options: ConnectionOptions): Promise<BrokerConnection> {
    const c = new BrokerConnection(address, options);
    await c.connect();
    return c;
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  private async connect(): Promise<void> {
    const tls = this.options.tls;
    const connecting = Bun.connect({
      hostname: this.address.host,
      port: this.address.port,
      tls: tls === undefined || tls === null ? undefined : { ca: tls.ca, serverName: this.address.host },
      socket: {
        data: (_s, chunk) => this.onData(chunk),
        drain: () => this.onDrain(),
        close: () => this.fail(new ClientError("closed", `connection to ${this.name} closed`)),
        error: (_s, e) => this.fail(new ClientError("closed", `connection to ${this.name} failed: ${e.message}`)),
        // a refused certificate only closes the socket, so its reason is taken from here
        handshake: (_s, success, e) => {
          if (!success) this.fail(new ClientError("connect-failed", `TLS handshake with ${this.name} failed: ${e?.message ?? "refused"}`));
        },
        // the rejected promise below reports it
        connectError: () => {},
      },
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClientError("connect-failed", `connect to ${this.name}: no answer within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
    });
    try {
      this.socket = await Promise.race([connecting, timeout]);
    } catch (e) {
      connecting.then((s) => s.terminate(), () => {});
      if (e instanceof ClientError) throw e;
      throw new ClientError("connect-failed", `connect to ${this.name}: ${describe(e)}`);
    } finally {
      clearTimeout(timer);
    }
    this.socket.setNoDelay(true);
  }

  request<Request, Response>(api: ApiMessages<Request, Response>, version: number, body: Request, timeoutMs = this.options.requestTimeoutMs): Promise<Response> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId;
    let frame: Uint8Array;
    try {
      frame = this.encode(api, version, body);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<Response>((resolve, reject) => {
      const onResponse = (response: Uint8Array) => {
        const decoded = decode(api as ApiMessages<unknown, unknown>, version, response);
        if (decoded.ok) resolve(decoded.body as Response);
        else reject(new ClientError("protocol", `${api.name} v${version} response from ${this.name}: ${decoded.error.message}`));
      };
      this.expectResponse(correlationId, `${api.name} v${version}`, timeoutMs, onResponse, reject);
      this.write(frame);
    });
  }

  /**
   * Sends a request frame encoded elsewhere (size prefix included), its correlation id overwritten
   * in place with this connection's next one; resolves with the response frame undecoded (without
   * its size prefix, still carrying that id). `what` names the request in errors.
   */
  forward(frame: Uint8Array, what: string, timeoutMs = this.options.requestTimeoutMs): Promise<Uint8Array> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const correlationId = this.stampCorrelationId(frame);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.expectResponse(correlationId, what, timeoutMs, resolve, reject);
      this.write(frame);
    });
  }

  /** forward() for a request the broker never answers (Produce with acks=0): resolves once the socket has taken all of it. */
  forwardUnanswered(frame: Uint8Array): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.stampCorrelationId(frame);
    return new Promise<void>((resolve, reject) => this.write(frame, (failure) => (failure === null ? resolve() : reject(failure))));
  }

  private expectResponse(correlationId: number, what: string, timeoutMs: number, onResponse: (frame: Uint8Array) => void, reject: (e: ClientError) => void): void {
    const deadline = performance.now() + timeoutMs;
    this.waiting.set(correlationId, { onResponse, reject, deadline, what, timeoutMs });
    if (deadline < this.timerAt) this.armTimer(deadline);
  }

  /** One timer per connection, for the earliest deadline: a request answered in time costs no timer of its own. */
  private armTimer(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, at - performance.now()));
    // it may outlive the requests it was armed for; the open socket keeps the process up while any wait
    this.timer.unref();
  }

  /** Fails every request past its deadline, then waits for the next deadline. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [correlationId, w] of this.waiting) {
      if (w.deadline > now) {
        next = Math.min(next, w.deadline);
        continue;
      }
      this.waiting.delete(correlationId);
      this.abandoned.add(correlationId);
      w.reject(new ClientError("timeout", `${w.what} to ${this.name}: no response within ${w.timeoutMs} ms`));
    }
    if (next !== Infinity) this.armTimer(next);
  }

  /** A request frame's correlation id follows its size, API key and version. */
  private stampCorrelationId(frame: Uint8Array): number {
    const correlationId = this.nextCorrelationId;
    new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setInt32(8, correlationId);
    this.nextCorrelationId = (correlationId + 1) & 0x7fffffff;
    return correlationId;
  }

  /** A request the broker never answers (Produce with acks=0): resolves once the socket has taken all of it. */
  send<Request, Response>(api: ApiMessages<Request, Response>, version: number, body: Request): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    let frame: Uint8Array;
    try {
      frame = this.encode(api, version, body);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => this.write(frame, (failure) => (failure === null ? resolve() : reject(failure))));
  }

  close(): void {
    this.fail(new ClientError("closed", `connection to ${this.name} closed by the client`));
  }

  private fail(e: ClientError): void {
    if (this.failure !== null) return;
    this.failure = e;
    clearTimeout(this.timer);
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    for (const u of this.outbox) u.done?.(e);
    this.outbox.length = 0;
    this.socket?.end();
    this.options.onClose?.();
  }

  /** Encodes with the next correlation id. */
  private encode<Request, Response>(api: ApiMessages<Request, Response>, version: number, body: Request): Uint8Array {
    const correlationId = this.nextCorrelationId;
    const frame = encodeRequest(api, { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.options.clientId }, body);
    this.nextCorrelationId = (correlationId + 1) & 0x7fffffff;
    return frame;
  }

  /** Requests of one turn (a proxy's client pipelines) leave together, in one socket write at its end. */
  private write(bytes: Uint8Array, done?: (failure: ClientError | null) => void): void {
    this.corked.push({ bytes, done });
    if (this.corked.length === 1) queueMicrotask(() => this.uncork());
  }

  private uncork(): void {
    const parts = this.corked;
    this.corked = [];
    if (this.failure !== null) {
      for (const u of parts) u.done?.(this.failure);
      return;
    }
    if (parts.length === 1) return this.writeNow(parts[0]!.bytes, parts[0]!.done);
    const dones = parts.flatMap((u) => (u.done === undefined ? [] : [u.done]));
    const buffers = coalesce(parts.map((u) => u.bytes));
    // the socket takes them in order: the last one taken means all were
    const last = (failure: ClientError | null) => {
      for (const done of dones) done(failure);
    };
    buffers.forEach((bytes, i) => this.writeNow(bytes, i === buffers.length - 1 && dones.length > 0 ? last : undefined));
  }

  private writeNow(bytes: Uint8Array, done?: (failure: ClientError | null) => void): void {
    if (this.outbox.length === 0 && this.socket !== null) {
      const n = this.socket.write(bytes);
      if (n === bytes.length) {
        done?.(null);
        return;
      }
      bytes = bytes.subarray(Math.max(n, 0));
    }
    this.outbox.push({ bytes, done });
  }

  private onDrain(): void {
    while (this.outbox.length > 0 && this.socket !== null) {
      const head = this.outbox[0]!;
      const n = this.socket.write(head.bytes);
      if (n < head.bytes.length) {
        head.bytes = head.bytes.subarray(Math.max(n, 0));
        return;
      }
      this.outbox.shift();
      head.done?.(null);
    }
  }

  private onData(chunk: Uint8Array): void {
    if (this.failure !== null) return;
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) this.onFrame(frame);
    if (error !== null) this.fail(new ClientError("protocol", `${this.name}: ${error}`));
  }

  private onFrame(frame: Uint8Array): void {
    // both response header versions start with the correlation id
    const correlationId = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getInt32(0);
    const w = this.waiting.get(correlationId);
    if (w === undefined) {
      if (!this.abandoned.delete(correlationId)) this.fail(new ClientError("protocol", `${this.name}: response with unknown correlation id ${correlationId}`));
      return;
    }
    this.waiting.delete(correlationId);
    w.onResponse(frame);
  }
}

/**
 * A broker that does not support our ApiVersions version answers UNSUPPORTED_VERSION with a v0
 * body (KIP-511), whatever version was asked; its header is always v0.
 */
function decode(api: ApiMessages<unknown, unknown>, version: number, frame: Uint8Array): DecodedResponse<unknown> {
  if (api.apiKey === API_VERSIONS_KEY && version > 0) {
    const errorCode = frame.length >= 6 ? new DataView(frame.buffer, frame.byteOffset).getInt16(4) : 0;
    const decoded = errorCode === ErrorCodes.UNSUPPORTED_VERSION ? null : decodeResponse(api, version, frame);
    return decoded?.ok === true ? decoded : decodeResponse(api, 0, frame);
  }
  return decodeResponse(api, version, frame);
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "unknown host",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
};

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code !== "string") return e.message;
  return `${REASONS[code] ?? e.message} (${code})`;
}
