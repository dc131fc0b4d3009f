// One client connection to a proxy port: request frames in, responses out in request order (clients
// pipeline). At its first request the connection is bound to a shared upstream connection to the
// broker its port stands for. Its first request that waits in the broker (request.ts) moves it, for
// good, to an upstream connection of its own, once everything it sent before has been answered, so
// the broker still sees its requests in the order sent. When its upstream connection closes, so does
// this one, as a broker's loss closes its clients' connections. ApiVersions is answered here. A frame
// that cannot be read, or a request the proxy does not carry, closes only this connection. With
// --schema-registry, Produce requests are checked against topic schemas first (validate-produce.ts).
// With --produce-linger-ms, Produce requests may be coalesced with other clients' (produce-client.ts).

import type { Socket } from "bun";
import type { Address } from "../client/address.ts";
import type { Logger } from "../log.ts";
import { ProduceApi } from "../protocol/generated/produce.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import { coalesce } from "../protocol/coalesce.ts";
import { FrameAssembler } from "../protocol/frames.ts";
import { Liveness } from "../server/liveness.ts";
import { SocketOutbox } from "../server/outbox.ts";
import type { Advertise } from "./advertise.ts";
import { answerApiVersions } from "./answer-api-versions.ts";
import type { ProxyConfig } from "./config.ts";
import { type RequestPrefix, requestPrefix } from "./peek.ts";
import type { ProduceBatches } from "./produce-batches.ts";
import { ProduceClient } from "./produce-client.ts";
import { expectsResponse, forward, forwardUnanswered, refusal, waitsInBroker } from "./request.ts";
import type { Upstream } from "./upstream.ts";
import { OrderedProduceChecks } from "./validate-order.ts";
import type { ProduceCheck, ProduceValidator } from "./validate-produce.ts";

/** Which upstream a proxy port's requests go to. */
export type Route = { kind: "bootstrap" } | { kind: "node"; nodeId: number };

export interface ProxyContext {
  readonly config: ProxyConfig;
  readonly log: Logger;
  /** The shared upstream connection a new client connection on `route` is bound to. */
  bind(route: Route): Promise<Upstream>;
  /** A new upstream connection to `address` for one client connection alone. */
  dedicated(address: Address): Promise<Upstream>;
  readonly advertise: Advertise;
  /** Checks Produce requests against topic schemas; null without --schema-registry. */
  readonly produceValidator: ProduceValidator | null;
  /** Coalesces Produce requests; null without --produce-linger-ms. */
  readonly produceBatches: ProduceBatches | null;
}

interface Slot {
  done: boolean;
  response: Uint8Array | null;
  close: string | null;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ClientConnection {
  private readonly frames: FrameAssembler;
  private readonly slots: Slot[] = [];
  private readonly outbox: SocketOutbox;
  private readonly liveness = new Liveness();
  /** Bytes of answers waiting behind an earlier request that is not answered yet. */
  private heldBytes = 0;
  private paused = false;
  private flushQueued = false;
  private closing = false;
  private upstream: Promise<Upstream> | null = null;
  /** Whether `upstream` is this connection's own. */
  private own = false;
  private forgetUpstream: (() => void) | undefined;
  /** Requests sent upstream and not answered yet (each settles either way). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly produceChecks: OrderedProduceChecks | null;
  private readonly produces: ProduceClient | null;

  constructor(
    private readonly socket: Socket<ClientConnection>,
    private readonly route: Route,
    private readonly context: ProxyContext,
    readonly peer: string,
  ) {
    this.frames = new FrameAssembler(context.config.socketRequestMaxBytes, 1, "request", true);
    this.outbox = new SocketOutbox(socket);
    this.produceChecks = context.produceValidator === null ? null : new OrderedProduceChecks(context.produceValidator);
    this.produces = context.produceBatches === null ? null : new ProduceClient(context.produceBatches);
  }

  onData(chunk: Uint8Array): void {
    if (this.closing) return;
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) {
      if (this.closing) return;
      this.onFrame(frame);
    }
    if (error !== null) return this.cut(error);
    this.liveness.received(this.frames.buffered, frames.length);
    this.applyBackpressure();
  }

  /** Why this connection should be cut at `now` (performance.now()), or null (see Liveness). */
  overdue(now: number): string | null {
    if (this.closing) return null;
    return this.liveness.overdue(now, this.context.config, { inFlight: this.slots.length, paused: this.paused, buffered: this.frames.buffered });
  }

  private onFrame(frame: Uint8Array): void {
    const prefix = requestPrefix(frame);
    if (prefix === null) return this.cut(`a request of ${frame.length} bytes is shorter than a request header`);
    const slot: Slot | null = expectsResponse(frame, prefix) ? { done: false, response: null, close: null } : null;
    if (slot !== null) this.slots.push(slot);
    if (!this.own && waitsInBroker(prefix.apiKey)) this.takeOwnUpstream();
    // callbacks on one promise run in the order they were added: requests go upstream in arrival order
    const handled =
      this.produceChecks === null
        ? this.bound().then((upstream) => this.handle(upstream, frame, prefix, slot, null))
        : this.produceChecks.after(this.bound(), frame, prefix).then(([upstream, checked]) => this.handle(upstream, frame, prefix, slot, checked));
    const sent = handled.catch((e: unknown) => this.cut(reason(e)));
    this.inFlight.add(sent);
    void sent.then(() => this.inFlight.delete(sent));
  }

  private bound(): Promise<Upstream> {
    return this.upstream ?? this.bindTo(this.context.bind(this.route));
  }

  private bindTo(upstream: Promise<Upstream>): Promise<Upstream> {
    this.upstream = upstream;
    upstream.then(
      (u) => {
        if (this.closing || this.upstream !== upstream) return;
        this.forgetUpstream?.();
        this.forgetUpstream = u.onClose(() => this.cut(`upstream connection to ${u.connection.name} closed`));
      },
      (e: unknown) => this.cut(reason(e)),
    );
    return upstream;
  }

  /** Moves to an upstream connection of this connection's own once every request sent so far is answered. */
  private takeOwnUpstream(): void {
    this.own = true;
    const shared = this.bound();
    const before = [...this.inFlight];
    this.bindTo(
      shared.then(async (s) => {
        await Promise.all(before);
        return this.context.dedicated(s.connection.address);
      }),
    );
  }

  /** Sends the request on; settles once it is answered (or, for acks=0, written). */
  private async handle(upstream: Upstream, frame: Uint8Array, prefix: RequestPrefix, slot: Slot | null, checked: ProduceCheck | null): Promise<void> {
    if (this.closing) return;
    if (slot !== null && prefix.apiKey === API_VERSIONS_KEY) {
      const response = answerApiVersions(frame, upstream.versions);
      return this.settle(slot, response, response === null ? "ApiVersions request is malformed" : null);
    }
    const refused = refusal(prefix, upstream.versions);
    if (refused !== null) return slot === null ? this.cut(refused) : this.settle(slot, null, refused);
    if (checked !== null && checked.request === null) return slot === null ? undefined : this.settle(slot, checked.respond(null), null);
    const request = checked?.request ?? frame;
    const asSent = () => (slot === null ? forwardUnanswered(upstream, request).then(() => null) : forward(upstream, request, prefix, this.context.config.requestTimeoutMs, this.context.advertise));
    try {
      const response = await (this.produces !== null && prefix.apiKey === ProduceApi.apiKey ? this.produces.send(upstream.connection.address, request, prefix, asSent) : asSent());
      if (slot !== null) this.settle(slot, response === null || checked === null ? response : checked.respond(response), null);
    } catch (e) {
      if (slot === null) this.cut(reason(e));
      else this.settle(slot, null, reason(e));
    }
  }

  private settle(slot: Slot, response: Uint8Array | null, close: string | null): void {
    if (this.closing) return;
    slot.done = true;
    slot.response = response;
    slot.close = close;
    if (response !== null) this.heldBytes += response.length;
    // answers settled in one turn (an upstream read often holds several) leave in one socket write
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const ready: Uint8Array[] = [];
    let close: string | null = null;
    while (!this.closing && this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.response !== null) {
        this.heldBytes -= slot.response.length;
        ready.push(slot.response);
      }
      if (slot.close !== null) {
        close = slot.close;
        break;
      }
    }
    for (const bytes of coalesce(ready)) this.liveness.sent(this.outbox.write(bytes));
    if (close !== null) return this.cut(close);
    this.applyBackpressure();
  }

  onDrain(): void {
    this.liveness.sent(this.outbox.drain());
    this.applyBackpressure();
  }

  /** Past queued.max.requests in flight or too many response bytes waiting, the client is not read. */
  private applyBackpressure(): void {
    if (this.closing) return;
    const { queuedMaxRequests, queuedMaxResponseBytes } = this.context.config;
    const overloaded = this.slots.length >= queuedMaxRequests || this.outbox.unsentBytes + this.heldBytes >= queuedMaxResponseBytes;
    if (overloaded !== this.paused) {
      this.paused = overloaded;
      if (overloaded) this.socket.pause();
      else {
        this.liveness.resumed();
        this.socket.resume();
      }
    }
  }

  /** Closes the connection, dropping whatever it still had to do, with one log line. */
  cut(why: string): void {
    if (this.closing) return;
    this.context.log.info("closing client connection", { peer: this.peer, reason: why });
    this.socket.end();
    this.onClose();
  }

  /** The socket is gone: nobody will read an answer, so pending work is dropped. */
  onClose(): void {
    if (!this.closing && this.own) this.upstream?.then((u) => u.connection.close(), () => {});
    if (!this.closing) this.produces?.withdraw();
    this.closing = true;
    this.forgetUpstream?.();
    this.slots.length = 0;
    this.outbox.clear();
    this.heldBytes = 0;
  }
}
