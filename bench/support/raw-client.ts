// One TCP connection that sends a request frame and resolves with the next whole response frame
// (size prefix stripped): enough to time a server's first answer without a client library.

import type { Socket } from "bun";

export class RawClient {
  private buffer = new Uint8Array(0);
  private waiting: ((frame: Uint8Array) => void) | null = null;
  private constructor(private socket: Socket<undefined> | null) {}

  /** Resolves once connected; rejects at once when nothing listens on the port. `tls`: over TLS, trusting `ca`. */
  static async connect(port: number, tls?: { ca: string; serverName: string }): Promise<RawClient> {
    const client = new RawClient(null);
    client.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      tls,
      socket: {
        data: (_socket, chunk) => client.received(chunk),
        drain: () => client.flush(),
      },
    });
    return client;
  }

  private received(chunk: Uint8Array): void {
    const next = new Uint8Array(this.buffer.length + chunk.length);
    next.set(this.buffer);
    next.set(chunk, this.buffer.length);
    this.buffer = next;
    this.deliver();
  }

  private deliver(): void {
    if (this.buffer.length < 4 || this.waiting === null) return;
    const size = new DataView(this.buffer.buffer).getInt32(0);
    if (this.buffer.length < 4 + size) return;
    const frame = this.buffer.slice(4, 4 + size);
    this.buffer = this.buffer.slice(4 + size);
    const w = this.waiting;
    this.waiting = null;
    w(frame);
  }

  /** Bytes the socket has not taken yet (a TLS socket takes none before its handshake ends). */
  private unsent: Uint8Array | null = null;

  private flush(): void {
    if (this.unsent === null || this.socket === null) return;
    const n = this.socket.write(this.unsent);
    this.unsent = n >= this.unsent.length ? null : this.unsent.subarray(Math.max(n, 0));
  }

  /** `frame` includes its size prefix. */
  request(frame: Uint8Array): Promise<Uint8Array> {
    const answer = new Promise<Uint8Array>((resolve) => {
      this.waiting = resolve;
    });
    this.unsent = frame;
    this.flush();
    this.deliver();
    return answer;
  }

  close(): void {
    this.socket?.end();
  }
}
