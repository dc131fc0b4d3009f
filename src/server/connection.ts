// One client connection: frames in, responses out in request order. Requests run concurrently;
// a `serial` handler's ordered sections (ctx.inOrder) run one at a time in arrival order, `ordered`
// handlers' whole requests likewise (among all of them), and a
// `largeResponses` handler's requests start one at a time, each once the connection has room for
// its answer. Reading pauses while too many requests are in flight, too many response bytes wait
// for the client, or a quota has muted the connection. Once the socket closes, everything the
// connection still had to do is dropped.

import type { Socket } from "bun";
import { ANONYMOUS_PRINCIPAL } from "../auth/authorizer.ts";
import type { Broker, Listener } from "../broker.ts";
import type { SaslSession } from "../auth/sasl-session.ts";
import { prepare } from "./dispatch.ts";
import { atOnce, CONNECTION_CLOSED, type RequestContext } from "../handlers/handler.ts";
import { FrameAssembler } from "../protocol/frames.ts";
import { Liveness } from "./liveness.ts";
import { SocketOutbox } from "./outbox.ts";

interface Slot {
  done: boolean;
  response: Uint8Array | null;
  close: string | null;
  /** The response's buffer may be reused once the socket has taken all of it. */
  reusable?: boolean;
}

/**
 * Large answers (Fetch) are encoded into the buffer of the connection's last one when the socket
 * took all of it: writing into memory already touched is far cheaper than into fresh pages. Larger
 * buffers are not kept, so an idle connection holds at most this much.
 */
const SPARE_RESPONSE_MAX_BYTES = 4 * 1024 * 1024;

const NOTHING = { response: null, close: null };
/** Kafka's sasl.server.max.receive.size default: the largest frame before SASL authentication. */
const SASL_MAX_RECEIVE_BYTES = 524_288;
/** The turn key shared by every `ordered` handler (serial handlers take turns by API key). */
const ORDERED = "ordered";

export class Connection {
  private readonly frames: FrameAssembler;
  private readonly slots: Slot[] = [];
  private readonly outbox: SocketOutbox;
  /** Bytes of answers waiting behind an earlier request that is not answered yet. */
  private heldBytes = 0;
  private paused = false;
  private mutedUntil = 0;
  private muteTimer: ReturnType<typeof setTimeout> | undefined;
  private closing = false;
  private readonly serialTails = new Map<number | typeof ORDERED, Promise<void>>();
  /** Settles once the latest large-response request is answered. */
  private largeResponseTail: Promise<void> = Promise.resolve();
  private roomWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  /** Set by drain(): requests that arrive from now on are not read; resolved once the socket ends. */
  private drained: (() => void) | null = null;
  private readonly liveness = new Liveness();
  /** Who the client is (`User:name`): set by a verified TLS client certificate; each request reads it as it runs. */
  principal: string = ANONYMOUS_PRINCIPAL;
  private spareResponse: Uint8Array | undefined;


  constructor(
    private readonly socket: Socket<Connection>,
    private readonly broker: Broker,
    readonly peer: string,
    /** The listener the client connected through. */
    readonly listener?: Listener,
    /** SASL authentication, on SASL listeners; its principal wins over `principal` once set. */
    readonly sasl?: SaslSession,
  ) {
    this.frames = new FrameAssembler(broker.config.socketRequestMaxBytes);
    this.outbox = new SocketOutbox(socket);
  }

  onData(chunk: Uint8Array): void {
    if (this.closing || this.drained !== null) return;
    // Kafka's sasl.server.max.receive.size: nobody unauthenticated makes the broker hold a large frame
    const { socketRequestMaxBytes } = this.broker.config;
    this.frames.maxFrameBytes = this.sasl === undefined || this.sasl.principal !== null ? socketRequestMaxBytes : Math.min(SASL_MAX_RECEIVE_BYTES, socketRequestMaxBytes);
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) this.start(frame);
    if (error !== null) return this.cut(error);
    this.liveness.received(this.frames.buffered, frames.length);
    this.applyBackpressure();
  }

  private start(frame: Uint8Array): void {
    const slot: Slot = { done: false, response: null, close: null };
    this.slots.push(slot);
    if (this.sasl?.awaitingRawToken() === true) return this.startRawToken(frame, slot, this.sasl);
    let reusable = false;
    const dispatched = prepare(frame, this.broker, this.abort.signal, this.peer, () => {
      reusable = true;
    }, (ms) => this.mute(ms), this);
    const h = dispatched.entry;
    const turn = h?.serial === true ? this.takeTurn(h.apiKey) : h?.ordered === true ? this.takeTurn(ORDERED) : null;
    const large = h?.largeResponses === true ? this.queueLargeResponse() : null;
    const finish = (r: { response: Uint8Array | null; close: string | null }) => {
      if (reusable && r.close === null) this.frames.recycle(frame);
      slot.done = true;
      slot.response = r.response;
      slot.close = r.close;
      slot.reusable = large !== null;
      if (!this.closing && r.response !== null) this.heldBytes += r.response.length;
      large?.answered();
      this.flush();
    };
    const run = () => (this.closing ? Promise.resolve(NOTHING) : dispatched.run(turn?.inOrder ?? atOnce));
    (large === null ? run() : large.ready.then(run))
      .finally(() => turn?.release())
      .then(finish)
      .catch((e: unknown) => finish({ response: null, close: `internal error: ${e instanceof Error ? e.message : String(e)}` }));
  }

  /** After a v0 SaslHandshake the exchange's tokens come and go as bare size-prefixed frames. */
  private startRawToken(token: Uint8Array, slot: Slot, sasl: SaslSession): void {
    const finish = (response: Uint8Array | null, close: string | null) => {
      slot.done = true;
      slot.response = response;
      slot.close = close;
      if (!this.closing && response !== null) this.heldBytes += response.length;
      this.flush();
    };
    sasl.authenticate(token).then(
      (step) => {
        if (!step.close) return finish(sizePrefixed(step.authBytes), null);
        this.broker.log.warn("SASL authentication failed", { user: step.failure?.username ?? undefined, reason: step.failure?.reason, peer: this.peer });
        finish(null, "SASL authentication failed");
      },
      (e: unknown) => finish(null, `internal error: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /**
   * This request's place among the ordered sections of its API on this connection: its section
   * starts when the previous request's turn has been released, and its own turn is released when
   * its section ends, or when the request ends without entering it (never before the previous one).
   */
  private takeTurn(key: number | typeof ORDERED): { inOrder: RequestContext["inOrder"]; release(): void } {
    const previous = this.serialTails.get(key) ?? Promise.resolve();
    let resolve!: () => void;
    this.serialTails.set(key, new Promise<void>((r) => (resolve = r)));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void previous.then(resolve);
    };
    return {
      inOrder: async (section) => {
        await previous;
        try {
          return await section();
        } finally {
          release();
        }
      },
      release,
    };
  }

  /**
   * A large-response request starts once the one before it is answered and the connection holds
   * fewer response bytes than its bound, so one connection holds at most one such answer beyond it.
   */
  private queueLargeResponse(): { ready: Promise<void>; answered(): void } {
    const previous = this.largeResponseTail;
    let answered!: () => void;
    this.largeResponseTail = new Promise<void>((r) => (answered = r));
    return { ready: previous.then(() => this.roomForResponses()), answered };
  }

  private hasRoom(): boolean {
    return this.closing || this.outbox.unsentBytes + this.heldBytes < this.broker.config.queuedMaxResponseBytes;
  }

  private roomForResponses(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length > 0 && this.hasRoom()) for (const w of this.roomWaiters.splice(0)) w();
  }

  private flush(): void {
    while (!this.closing && this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.response !== null) {
        this.heldBytes -= slot.response.length;
        const taken = this.write(slot.response);
        if (taken && slot.reusable === true && slot.response.buffer.byteLength <= SPARE_RESPONSE_MAX_BYTES) {
          this.spareResponse = new Uint8Array(slot.response.buffer as ArrayBuffer);
        }
      }
      if (slot.close !== null) return this.cut(slot.close);
    }
    if (this.slots.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
    this.wakeRoomWaiters();
    this.applyBackpressure();
    this.endIfDrained();
  }

  /** True when the socket took all of `bytes` at once (nothing refers to them any more). */
  private write(bytes: Uint8Array): boolean {
    const taken = this.outbox.write(bytes);
    this.liveness.sent(taken);
    return taken === bytes.length;
  }

  /** A buffer to encode the next large answer into (see SPARE_RESPONSE_MAX_BYTES), taken by one answer at a time. */
  takeResponseBuffer(): Uint8Array | undefined {
    const spare = this.spareResponse;
    this.spareResponse = undefined;
    return spare;
  }

  onDrain(): void {
    this.liveness.sent(this.outbox.drain());
    this.wakeRoomWaiters();
    this.applyBackpressure();
    this.endIfDrained();
  }

  /** Stops reading this connection for `ms` (Kafka mutes a throttled client's channel). */
  mute(ms: number): void {
    if (ms <= 0 || this.closing) return;
    this.mutedUntil = Math.max(this.mutedUntil, performance.now() + ms);
    clearTimeout(this.muteTimer);
    // the timer may fire a fraction of a millisecond before performance.now() reaches mutedUntil
    this.muteTimer = setTimeout(() => {
      this.mutedUntil = 0;
      this.applyBackpressure();
    }, this.mutedUntil - performance.now());
    this.applyBackpressure();
  }

  private applyBackpressure(): void {
    const { queuedMaxRequests, queuedMaxResponseBytes } = this.broker.config;
    const overloaded = this.slots.length >= queuedMaxRequests || this.outbox.unsentBytes + this.heldBytes >= queuedMaxResponseBytes || performance.now() < this.mutedUntil;
    if (overloaded && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!overloaded && this.paused && !this.closing && this.drained === null) {
      this.paused = false;
      this.liveness.resumed();
      this.socket.resume();
    }
  }

  /** Why this connection should be cut at `now` (performance.now()), or null (see Liveness). */
  overdue(now: number): string | null {
    if (this.closing) return null;
    return this.liveness.overdue(now, this.broker.config, { inFlight: this.slots.length, paused: this.paused, buffered: this.frames.buffered });
  }

  /**
   * Closes the connection, dropping whatever it had left to do, with one log line; `abruptly`
   * also drops what the socket has not sent (for a peer that may never read it).
   */
  cut(reason: string, abruptly = false): void {
    if (this.closing) return;
    this.broker.log.info("closing connection", { peer: this.peer, reason });
    if (abruptly) this.socket.terminate();
    else this.socket.end();
    this.onClose();
  }

  /** Resolves once every request received so far has been answered (or the connection closed). */
  idle(): Promise<void> {
    if (this.slots.length === 0 || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Graceful shutdown: stops reading requests, wakes long polls, answers every request already
   * read, hands the last response byte to the socket, then ends the connection. Requests the
   * client sent after this point get no answer (it retries them on another broker).
   */
  drain(): Promise<void> {
    if (this.closing) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      this.drained = resolve;
    });
    this.paused = true;
    this.socket.pause();
    this.abort.abort();
    this.endIfDrained();
    return done;
  }

  private endIfDrained(): void {
    if (this.drained === null || this.slots.length > 0 || !this.outbox.empty) return;
    if (!this.closing) {
      this.closing = true;
      this.socket.end();
    }
    this.drained();
  }

  /** The socket is gone: nobody will read an answer, so pending work and held bytes are dropped. */
  onClose(): void {
    this.closing = true;
    if (!this.abort.signal.aborted) this.abort.abort(CONNECTION_CLOSED);
    clearTimeout(this.muteTimer);
    this.slots.length = 0;
    this.outbox.clear();
    this.heldBytes = 0;
    for (const w of this.roomWaiters.splice(0)) w();
    for (const w of this.idleWaiters.splice(0)) w();
    this.drained?.();
  }
}

function sizePrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setInt32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}
