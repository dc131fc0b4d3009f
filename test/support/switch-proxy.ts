// A loopback TCP proxy in front of several brokers that sends every client connection to one of
// them, and can move its clients: switchTo(port) closes every open connection (the client sees the
// broker hang up, reconnects to the same address and lands on the new broker; the promise settles
// once each client closed its end too, so it has noticed before its next request). Brokers behind it
// advertise the proxy (--advertised-listener-url), so a client knows one address only. It notes
// which broker got each request (its API key, read from the frame), so a test can tell that a
// client really moved.

import type { Socket } from "bun";
import { FrameSplitter } from "./frame-proxy.ts";

export interface ForwardedRequest {
  /** The broker port the request went to. */
  target: number;
  apiKey: number;
}

export interface SwitchProxy {
  readonly port: number;
  readonly bootstrap: string;
  /** New connections go to `port`; every open one is closed, and the clients have closed their side. */
  switchTo(port: number): Promise<void>;
  /** Every request forwarded, in order. */
  readonly requests: readonly ForwardedRequest[];
  /** The API keys of the requests that went to `port`. */
  apiKeysTo(port: number): Set<number>;
  stop(): void;
}

interface Side {
  socket: Socket<Pair> | null;
  /** Bytes the socket did not take yet (or, before it is open, everything). */
  queue: Uint8Array[];
}

interface Pair {
  target: number;
  client: Side;
  upstream: Side;
  requests: FrameSplitter;
  closed: boolean;
  /** Settles when the client's socket is closed. */
  gone: Promise<void>;
  onGone: () => void;
}

function write(side: Side, bytes: Uint8Array): void {
  if (side.socket !== null && side.queue.length === 0) {
    const n = side.socket.write(bytes);
    if (n === bytes.length) return;
    bytes = bytes.subarray(Math.max(n, 0));
  }
  side.queue.push(bytes.slice());
}

function drain(side: Side): void {
  while (side.socket !== null && side.queue.length > 0) {
    const head = side.queue[0]!;
    const n = side.socket.write(head);
    if (n < head.length) {
      side.queue[0] = head.subarray(Math.max(n, 0));
      return;
    }
    side.queue.shift();
  }
}

/** Hangs up on both sides; `halfClose` only sends the client a FIN, so its socket closes once the client has seen it. */
function close(pair: Pair, halfClose = false): void {
  if (pair.closed) return;
  pair.closed = true;
  if (halfClose) pair.client.socket?.shutdown();
  else pair.client.socket?.end();
  pair.upstream.socket?.end();
}

export function startSwitchProxy(initialTarget: number): SwitchProxy {
  let target = initialTarget;
  const open = new Set<Pair>();
  const requests: ForwardedRequest[] = [];
  const server = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(clientSocket) {
        clientSocket.setNoDelay(true);
        const { promise: gone, resolve: onGone } = Promise.withResolvers<void>();
        const pair: Pair = { target, client: { socket: clientSocket, queue: [] }, upstream: { socket: null, queue: [] }, requests: new FrameSplitter(), closed: false, gone, onGone };
        clientSocket.data = pair;
        open.add(pair);
        Bun.connect<Pair>({
          hostname: "127.0.0.1",
          port: pair.target,
          data: pair,
          socket: {
            open: (s) => void s.setNoDelay(true),
            data: (_s, chunk) => write(pair.client, chunk),
            drain: () => drain(pair.upstream),
            close: () => close(pair),
            error: () => close(pair),
          },
        }).then(
          (upstreamSocket) => {
            pair.upstream.socket = upstreamSocket;
            if (pair.closed) upstreamSocket.end();
            else drain(pair.upstream);
          },
          () => close(pair),
        );
      },
      data(clientSocket, chunk) {
        const pair = clientSocket.data;
        if (pair.closed) return;
        for (const frame of pair.requests.push(chunk)) requests.push({ target: pair.target, apiKey: new DataView(frame.buffer, frame.byteOffset).getInt16(4) });
        write(pair.upstream, chunk);
      },
      drain: (clientSocket) => drain(clientSocket.data.client),
      close(clientSocket) {
        open.delete(clientSocket.data);
        close(clientSocket.data);
        clientSocket.data.onGone();
      },
      error(clientSocket) {
        open.delete(clientSocket.data);
        close(clientSocket.data);
        clientSocket.data.onGone();
      },
    },
  });
  return {
    port: server.port,
    bootstrap: `127.0.0.1:${server.port}`,
    async switchTo(port) {
      target = port;
      const closing = [...open];
      open.clear();
      for (const pair of closing) close(pair, true);
      // a client that never closes its side still lets the test go on
      await Promise.race([Promise.all(closing.map((p) => p.gone)), Bun.sleep(5000)]);
      // and whatever the client does on the close (in this process) runs before the next request
      await new Promise((resolve) => setImmediate(resolve));
    },
    requests,
    apiKeysTo: (port) => new Set(requests.filter((r) => r.target === port).map((r) => r.apiKey)),
    stop: () => server.stop(true),
  };
}
