// What a socket has not taken yet. A write the socket takes only part of leaves the rest here, and
// every later write queues behind it, so bytes leave in order; drain() hands them over as the
// socket makes room.

/** The part of a Bun socket an outbox writes to: it returns the bytes it took (-1 when closed). */
interface Writable {
  write(bytes: Uint8Array): number;
}

export class SocketOutbox {
  private readonly queue: Uint8Array[] = [];
  /** Bytes handed over that the socket has not taken yet. */
  unsentBytes = 0;

  constructor(private readonly socket: Writable) {}

  get empty(): boolean {
    return this.queue.length === 0;
  }

  /** Returns the bytes the socket took at once: all of them when nothing refers to `bytes` any more. */
  write(bytes: Uint8Array): number {
    let taken = 0;
    if (this.queue.length === 0) {
      taken = Math.max(this.socket.write(bytes), 0);
      if (taken === bytes.length) return taken;
    }
    const rest = bytes.subarray(taken);
    this.queue.push(rest);
    this.unsentBytes += rest.length;
    return taken;
  }

  /** On the socket's drain: hands over what waits, as far as it takes it; returns the bytes taken. */
  drain(): number {
    let taken = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const n = Math.max(this.socket.write(head), 0);
      taken += n;
      this.unsentBytes -= n;
      if (n < head.length) {
        this.queue[0] = head.subarray(n);
        break;
      }
      this.queue.shift();
    }
    return taken;
  }

  clear(): void {
    this.queue.length = 0;
    this.unsentBytes = 0;
  }
}
