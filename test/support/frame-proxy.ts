// A loopback TCP proxy that understands Kafka framing: it forwards whole request frames to the
// broker and whole response frames back, tells hooks about each one (with the request's apiKey and
// apiVersion, matched by correlation id), and can cut a connection instead of delivering a response.
// Point clients at it with the broker's advertised listener set to the proxy's port.

import type { Socket } from "bun";

export interface FrameInfo {
  /** Which client connection (1, 2, …, in accept order). */
  connection: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

export interface FrameHooks {
  /** Each complete request frame (with its size prefix), before it is forwarded. */
  request?(frame: Uint8Array, info: FrameInfo): void;
  /** Each complete response frame; "cut" closes both sides without delivering it. */
  response?(frame: Uint8Array, info: FrameInfo): "forward" | "cut";
}

export interface FrameProxy {
  readonly port: number;
  readonly bootstrap: string;
  /** The broker's port; set before the first client connects. */
  setTarget(port: number): void;
  stop(): void;
}

/** Splits a byte stream into size-prefixed frames (each returned with its prefix). */
export class FrameSplitter {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const view = new DataView(joined.buffer);
    const frames: Uint8Array[] = [];
    let off = 0;
    while (joined.length - off >= 4) {
      const size = view.getInt32(off);
      if (size < 0 || joined.length - off - 4 < size) break;
      frames.push(joined.slice(off, off + 4 + size));
      off += 4 + size;
    }
    this.buf = joined.slice(off);
    return frames;
  }
}

/** Writes to a socket, keeping what the kernel did not take until the next drain. */
class Outbox {
  private queue: Uint8Array[] = [];

  constructor(private readonly socket: Socket<Pair>) {}

  write(bytes: Uint8Array): void {
    if (this.queue.length === 0) {
      const n = this.socket.write(bytes);
      if (n === bytes.length) return;
      bytes = bytes.subarray(Math.max(n, 0));
    }
    this.queue.push(bytes.slice());
  }

  drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const n = this.socket.write(head);
      if (n < head.length) {
        this.queue[0] = head.subarray(Math.max(n, 0));
        return;
      }
      this.queue.shift();
    }
  }
}

interface Pair {
  id: number;
  client: Outbox;
  clientSocket: Socket<Pair>;
  upstream: Outbox | null;
  upstreamSocket: Socket<Pair> | null;
  pending: Uint8Array[];
  requests: FrameSplitter;
  responses: FrameSplitter;
  inFlight: Map<number, FrameInfo>;
  closed: boolean;
}

function requestInfo(frame: Uint8Array, connection: number): FrameInfo {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { connection, apiKey: view.getInt16(4), apiVersion: view.getInt16(6), correlationId: view.getInt32(8) };
}

function close(pair: Pair): void {
  if (pair.closed) return;
  pair.closed = true;
  pair.clientSocket.end();
  pair.upstreamSocket?.end();
}

export function startFrameProxy(hooks: FrameHooks = {}): FrameProxy {
  let target = 0;
  let connections = 0;
  const onResponse = (pair: Pair, frame: Uint8Array): void => {
    const correlationId = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getInt32(4);
    const info = pair.inFlight.get(correlationId) ?? { connection: pair.id, apiKey: -1, apiVersion: -1, correlationId };
    pair.inFlight.delete(correlationId);
    if ((hooks.response?.(frame, info) ?? "forward") === "cut") close(pair);
    else if (!pair.closed) pair.client.write(frame);
  };
  const server = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(clientSocket) {
        clientSocket.setNoDelay(true);
        const pair: Pair = {
          id: ++connections,
          client: new Outbox(clientSocket),
          clientSocket,
          upstream: null,
          upstreamSocket: null,
          pending: [],
          requests: new FrameSplitter(),
          responses: new FrameSplitter(),
          inFlight: new Map(),
          closed: false,
        };
        clientSocket.data = pair;
        Bun.connect<Pair>({
          hostname: "127.0.0.1",
          port: target,
          data: pair,
          socket: {
            open(upstreamSocket) {
              upstreamSocket.setNoDelay(true);
            },
            data(_s, chunk) {
              for (const frame of pair.responses.push(chunk)) onResponse(pair, frame);
            },
            drain() {
              pair.upstream?.drain();
            },
            close() {
              close(pair);
            },
            error() {
              close(pair);
            },
          },
        }).then(
          (upstreamSocket) => {
            pair.upstreamSocket = upstreamSocket;
            pair.upstream = new Outbox(upstreamSocket);
            if (pair.closed) upstreamSocket.end();
            for (const frame of pair.pending.splice(0)) pair.upstream.write(frame);
          },
          () => close(pair),
        );
      },
      data(clientSocket, chunk) {
        const pair = clientSocket.data;
        for (const frame of pair.requests.push(chunk)) {
          if (pair.closed) return;
          const info = requestInfo(frame, pair.id);
          pair.inFlight.set(info.correlationId, info);
          hooks.request?.(frame, info);
          if (pair.upstream === null) pair.pending.push(frame);
          else pair.upstream.write(frame);
        }
      },
      drain(clientSocket) {
        clientSocket.data.client.drain();
      },
      close(clientSocket) {
        close(clientSocket.data);
      },
      error(clientSocket) {
        close(clientSocket.data);
      },
    },
  });
  return {
    port: server.port,
    bootstrap: `127.0.0.1:${server.port}`,
    setTarget(port) {
      target = port;
    },
    stop: () => server.stop(true),
  };
}
