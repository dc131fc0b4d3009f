// One client connection: frames in, responses out in request order. Requests run concurrently;
// a `serial` handler's ordered sections (ctx.inOrder) run one at a time in arrival order. Reading pauses
// while too many requests are in flight or too many response bytes wait for the client to read.

import type { Socket } from "bun";
import type { Broker } from "../broker.ts";
import { prepare } from "./dispatch.ts";
import { atOnce, type RequestContext } from "../handlers/handler.ts";
import { FrameAssembler } from "../protocol/frames.ts";

const MAX_IN_FLIGHT = 128;
/** Above this many response bytes the client has not taken, stop reading its requests. */
const MAX_UNSENT_BYTES = 8 << 20;

interface Slot {
  done: boolean;
  response: Uint8Array | null;
  close: string | null;
}

export class Connection {
  private readonly frames: FrameAssembler;
  private readonly slots: Slot[] = [];
  private readonly outbox: Uint8Array[] = [];
  private unsentBytes = 0;
  private paused = false;
  private closing = false;
  private readonly serialTails = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  /** Set by drain(): requests that arrive from now on are not read; resolved once the socket ends. */
  private drained: (() => void) | null = null;

  constructor(
    private readonly socket: Socket<Connection>,
    private readonly broker: Broker,
    private readonly peer: string,
  ) {
    this.frames = new FrameAssembler(broker.config.socketRequestMaxBytes);
  }

  get inFlight(): number {
    return this.slots.length;
  }

  onData(chunk: Uint8Array): void {
    if (this.closing || this.drained !== null) return;
    const { frames, error } = this.frames.push(chunk);
    for (const frame of frames) this.start(frame);
    if (error !== null) this.fail(error);
    this.applyBackpressure();
  }

  private start(frame: Uint8Array): void {
    const slot: Slot = { done: false, response: null, close: null };
    this.slots.push(slot);
    let reusable = false;
    const dispatched = prepare(frame, this.broker, this.abort.signal, this.peer, () => {
      reusable = true;
    });
    const turn = dispatched.handler?.serial === true ? this.takeTurn(dispatched.handler.api.apiKey) : null;
    const finish = (r: { response: Uint8Array | null; close: string | null }) => {
      if (reusable && r.close === null) this.frames.recycle(frame);
      slot.done = true;
      slot.response = r.response;
      slot.close = r.close;
      this.flush();
    };
    dispatched
      .run(turn?.inOrder ?? atOnce)
      .finally(() => turn?.release())
      .then(finish)
      .catch((e: unknown) => finish({ response: null, close: `internal error: ${e instanceof Error ? e.message : String(e)}` }));
  }

  /**
   * This request's place among the ordered sections of its API on this connection: its section
   * starts when the previous request's turn has been released, and its own turn is released when
   * its section ends, or when the request ends without entering it (never before the previous one).
   */
  private takeTurn(apiKey: number): { inOrder: RequestContext["inOrder"]; release(): void } {
    const previous = this.serialTails.get(apiKey) ?? Promise.resolve();
    let resolve!: () => void;
    this.serialTails.set(apiKey, new Promise<void>((r) => (resolve = r)));
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

  private flush(): void {
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.close !== null) {
        this.fail(slot.close);
        return;
      }
      if (slot.response !== null && !this.closing) this.write(slot.response);
    }
    if (this.slots.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
    this.applyBackpressure();
    this.endIfDrained();
  }

  private write(bytes: Uint8Array): void {
    if (this.outbox.length === 0) {
      const n = this.socket.write(bytes);
      if (n === bytes.length) return;
      bytes = bytes.subarray(Math.max(n, 0));
    }
    this.outbox.push(bytes);
    this.unsentBytes += bytes.length;
  }

  onDrain(): void {
    while (this.outbox.length > 0) {
      const head = this.outbox[0]!;
      const n = this.socket.write(head);
      if (n < head.length) {
        this.outbox[0] = head.subarray(Math.max(n, 0));
        this.unsentBytes -= Math.max(n, 0);
        break;
      }
      this.outbox.shift();
      this.unsentBytes -= head.length;
    }
    this.applyBackpressure();
    this.endIfDrained();
  }

  private applyBackpressure(): void {
    const overloaded = this.slots.length >= MAX_IN_FLIGHT || this.unsentBytes >= MAX_UNSENT_BYTES;
    if (overloaded && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!overloaded && this.paused && !this.closing && this.drained === null) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private fail(reason: string): void {
    if (this.closing) return;
    this.broker.log.warn("closing connection", { peer: this.peer, reason });
    this.closing = true;
    this.abort.abort();
    this.socket.end();
    for (const w of this.idleWaiters.splice(0)) w();
    this.drained?.();
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
    if (this.drained === null || this.slots.length > 0 || this.outbox.length > 0) return;
    if (!this.closing) {
      this.closing = true;
      this.socket.end();
    }
    this.drained();
  }

  onClose(): void {
    this.closing = true;
    this.abort.abort();
    for (const w of this.idleWaiters.splice(0)) w();
    this.drained?.();
  }
}
