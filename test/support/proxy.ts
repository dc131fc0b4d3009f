// A loopback TCP proxy between a client and a broker that can cut the connection after it has
// forwarded a chosen request but before the broker's answer reaches the client, so the client
// must retry a request the broker has already handled.

import type { Socket } from "bun";

export interface FaultProxy {
  readonly port: number;
  /** The broker's port; set it before the first client connects. */
  target: number;
  readonly bootstrap: string;
  /** Request frames (apiKey) seen so far, in order. */
  readonly seen: number[];
  stop(): void;
}

interface Pair {
  upstream: Socket<Pair> | null;
  client: Socket<Pair>;
  pending: Uint8Array[];
  buffered: Uint8Array;
  cut: boolean;
}

/** `cutAfter(apiKey, nth)`: true to drop the connection once that request has been forwarded. */
export function startFaultProxy(cutAfter: (apiKey: number, nth: number) => boolean): FaultProxy {
  const seen: number[] = [];
  let target = 0;
  const counts = new Map<number, number>();
  const server = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async open(client) {
        const pair: Pair = { upstream: null, client, pending: [], buffered: new Uint8Array(0), cut: false };
        client.data = pair;
        pair.upstream = await Bun.connect<Pair>({
          hostname: "127.0.0.1",
          port: target,
          data: pair,
          socket: {
            data(_s, chunk) {
              // the broker's answer to a request we cut after is never delivered
              if (!pair.cut) pair.client.write(chunk);
            },
            close() {
              pair.client.end();
            },
          },
        });
        for (const p of pair.pending) pair.upstream.write(p);
        pair.pending = [];
      },
      data(client, chunk) {
        const pair = client.data;
        const joined = new Uint8Array(pair.buffered.length + chunk.length);
        joined.set(pair.buffered);
        joined.set(chunk, pair.buffered.length);
        let off = 0;
        const view = new DataView(joined.buffer);
        let cutNow = false;
        while (joined.length - off >= 6) {
          const size = view.getInt32(off);
          if (joined.length - off - 4 < size) break;
          const apiKey = view.getInt16(off + 4);
          seen.push(apiKey);
          const nth = (counts.get(apiKey) ?? 0) + 1;
          counts.set(apiKey, nth);
          off += 4 + size;
          if (cutAfter(apiKey, nth)) {
            cutNow = true;
            break;
          }
        }
        const forward = joined.subarray(0, off);
        pair.buffered = cutNow ? new Uint8Array(0) : joined.slice(off);
        if (pair.upstream === null) pair.pending.push(forward.slice());
        else pair.upstream.write(forward);
        if (cutNow) {
          pair.cut = true;
          // give the broker time to handle the request, then drop both sides
          setTimeout(() => {
            pair.client.end();
            pair.upstream?.end();
          }, 200);
        }
      },
      close(client) {
        client.data.upstream?.end();
      },
    },
  });
  return {
    port: server.port,
    bootstrap: `127.0.0.1:${server.port}`,
    seen,
    get target() {
      return target;
    },
    set target(port: number) {
      target = port;
    },
    stop: () => server.stop(true),
  };
}
