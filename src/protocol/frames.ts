// Reassembles size-prefixed frames (requests on the broker, responses in the client) from TCP
// chunks. The buffer grows only with bytes actually received, never by what a size prefix claims.

export type FramesResult = { frames: Uint8Array[]; error: null } | { frames: Uint8Array[]; error: string };

export class FrameAssembler {
  private buf = new Uint8Array(4096);
  private len = 0;

  /** `minFrameBytes`: a request has at least 1 byte, a response at least its correlation id. */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly minFrameBytes = 1,
    private readonly what = "request",
  ) {}

  /** Bytes received but not yet part of a complete frame. */
  get buffered(): number {
    return this.len;
  }

  push(chunk: Uint8Array): FramesResult {
    if (this.len + chunk.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + chunk.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;

    const frames: Uint8Array[] = [];
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.len);
    let off = 0;
    while (this.len - off >= 4) {
      const size = view.getInt32(off);
      if (size < this.minFrameBytes || size > this.maxFrameBytes) {
        return { frames, error: `${this.what} size ${size} is outside ${this.minFrameBytes}..${this.maxFrameBytes}` };
      }
      if (this.len - off - 4 < size) break;
      // a copy: a request's bytes are its own, so Produce may set baseOffset in them (AppendBatch)
      frames.push(this.buf.slice(off + 4, off + 4 + size));
      off += 4 + size;
    }
    if (off > 0) {
      this.buf.copyWithin(0, off, this.len);
      this.len -= off;
      // give back memory after a large frame has gone through
      if (this.buf.length > 1 << 20 && this.len < 4096) this.buf = this.buf.slice(0, 4096);
    }
    return { frames, error: null };
  }
}
