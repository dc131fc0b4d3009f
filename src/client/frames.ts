// Reassembles size-prefixed response frames from TCP chunks. The buffer grows only with bytes
// actually received, never by what a size prefix claims.

export class ResponseFrames {
  private buf = new Uint8Array(0);
  private len = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** The complete frames (without their size prefix) so far; throws a message on a bad size. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length, 4096));
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
      if (size < 4 || size > this.maxFrameBytes) throw new RangeError(`response size ${size} is outside 4..${this.maxFrameBytes}`);
      if (this.len - off - 4 < size) break;
      frames.push(this.buf.slice(off + 4, off + 4 + size));
      off += 4 + size;
    }
    if (off > 0) {
      this.buf.copyWithin(0, off, this.len);
      this.len -= off;
      if (this.buf.length > 1 << 20 && this.len < 4096) this.buf = this.buf.slice(0, 4096);
    }
    return frames;
  }
}
