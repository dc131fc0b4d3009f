// Reassembles size-prefixed frames (requests on the broker, responses in the client) from TCP
// chunks. The buffer grows with bytes actually received (to at most eight times them, plus 1 MiB),
// never to whatever a size prefix claims. Every frame comes out as bytes of its own that nothing else
// reads or writes (a Produce request's batches are written in place; see AppendBatch).

export type FramesResult = { frames: Uint8Array[]; error: null } | { frames: Uint8Array[]; error: string };

/** A frame at least this large leaves in the buffer it was received in, instead of as a copy. */
const HAND_OVER_BYTES = 64 << 10;
/** How far ahead of the bytes received a frame's announced size may grow the buffer. */
const GROWTH_FACTOR = 8;
const GROWTH_ALLOWANCE = 1 << 20;
const INITIAL_BYTES = 4096;

export class FrameAssembler {
  private buf = new Uint8Array(INITIAL_BYTES);
  private len = 0;
  /** The buffer of a large frame whose request is done with it, for the next large frame. */
  private spare: Uint8Array<ArrayBuffer> | null = null;
  /** Buffers handed over with more than one frame in them. */
  private readonly shared = new WeakSet<ArrayBufferLike>();

  /** `minFrameBytes`: a request has at least 1 byte, a response at least its correlation id. */
  constructor(
    /** The largest frame accepted; a connection may lower it for a while (before SASL authentication). */
    public maxFrameBytes: number,
    private readonly minFrameBytes = 1,
    private readonly what = "request",
    /**
     * Every frame is handed over in place, its size prefix just before it (see sizePrefixed): one
     * buffer per read instead of one per frame, for frames that are passed on whole (a proxy).
     */
    private readonly inPlace = false,
  ) {}

  /** Bytes received but not yet part of a complete frame. */
  get buffered(): number {
    return this.len;
  }

  push(chunk: Uint8Array): FramesResult {
    if (this.inPlace && this.len === 0) return this.fromChunk(chunk);
    const needed = this.len + chunk.length;
    if (needed > this.buf.length) this.grow(needed, chunk);
    this.buf.set(chunk, this.len);
    this.len = needed;

    const frames: Uint8Array[] = [];
    let off = 0;
    // once a large frame is handed over, the buffer is left to the frames in it: every frame after
    // it in this chunk is handed over in place too, and only the incomplete rest moves (once)
    let handedOver = 0;
    while (this.len - off >= 4) {
      const size = this.sizeAt(off);
      if (size < this.minFrameBytes || size > this.maxFrameBytes) {
        return { frames, error: `${this.what} size ${size} is outside ${this.minFrameBytes}..${this.maxFrameBytes}` };
      }
      const end = off + 4 + size;
      if (end > this.len) break;
      if (size < HAND_OVER_BYTES && handedOver === 0 && !this.inPlace) {
        frames.push(this.buf.slice(off + 4, end));
        off = end;
        // a spare is kept only between large frames
        this.spare = null;
        continue;
      }
      frames.push(this.buf.subarray(off + 4, end));
      handedOver++;
      off = end;
    }
    if (handedOver > 0) {
      // a buffer several frames share is never recycled: one of them done does not free it
      if (handedOver > 1) this.shared.add(this.buf.buffer);
      const rest = this.buf.subarray(off, this.len);
      this.buf = new Uint8Array(Math.max(INITIAL_BYTES, rest.length));
      this.buf.set(rest);
      this.len = rest.length;
    } else if (off > 0) {
      this.buf.copyWithin(0, off, this.len);
      this.len -= off;
      // give back memory after a burst of small frames filled a large buffer
      if (this.buf.length > 1 << 20 && this.len < INITIAL_BYTES) this.buf = this.buf.slice(0, INITIAL_BYTES);
    }
    return { frames, error: null };
  }

  /**
   * `frame` (from push) is no longer read or written by anyone: a large one's buffer is kept for
   * the next large frame, which then neither allocates nor faults in fresh memory.
   */
  recycle(frame: Uint8Array): void {
    const buffer = frame.buffer;
    if (frame.byteLength >= HAND_OVER_BYTES && buffer instanceof ArrayBuffer && !this.shared.has(buffer) && (this.spare === null || buffer.byteLength > this.spare.length)) this.spare = new Uint8Array(buffer);
  }

  /**
   * Frames straight out of a chunk that starts at a frame boundary, as views of it: Bun hands each
   * read over in an ArrayBuffer of its own and never writes it again. Only an incomplete rest is copied.
   */
  private fromChunk(chunk: Uint8Array): FramesResult {
    const frames: Uint8Array[] = [];
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    while (chunk.length - off >= 4) {
      const size = view.getInt32(off);
      if (size < this.minFrameBytes || size > this.maxFrameBytes) {
        return { frames, error: `${this.what} size ${size} is outside ${this.minFrameBytes}..${this.maxFrameBytes}` };
      }
      if (off + 4 + size > chunk.length) break;
      frames.push(chunk.subarray(off + 4, off + 4 + size));
      off += 4 + size;
    }
    if (off < chunk.length) {
      const rest = chunk.subarray(off);
      if (rest.length > this.buf.length) this.grow(rest.length, rest);
      this.buf.set(rest);
      this.len = rest.length;
    }
    return { frames, error: null };
  }

  private sizeAt(off: number): number {
    const b = this.buf;
    return (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
  }

  /**
   * Room for `needed` bytes: doubling, or, when the frame being received is larger, room for all of
   * it as far as the bytes received allow, so a large frame is copied into place once.
   */
  private grow(needed: number, chunk: Uint8Array): void {
    let cap = Math.max(this.buf.length * 2, needed);
    const prefix = this.len >= 4 ? this.buf.subarray(0, 4) : needed >= 4 ? Uint8Array.of(...this.buf.subarray(0, this.len), ...chunk.subarray(0, 4 - this.len)) : null;
    if (prefix !== null) {
      const frameBytes = 4 + ((prefix[0]! << 24) | (prefix[1]! << 16) | (prefix[2]! << 8) | prefix[3]!);
      if (frameBytes > cap && frameBytes <= 4 + this.maxFrameBytes) cap = Math.min(frameBytes, GROWTH_FACTOR * needed + GROWTH_ALLOWANCE);
    }
    const spare = this.spare;
    const next = spare !== null && spare.length >= cap ? spare : new Uint8Array(cap);
    if (next === spare) this.spare = null;
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/**
 * The frame with its size prefix: a view when the 4 bytes before it in its buffer already hold its
 * size (every frame handed over in place), else a copy.
 */
export function sizePrefixed(frame: Uint8Array): Uint8Array {
  const at = frame.byteOffset - 4;
  if (at >= 0 && new DataView(frame.buffer, at, 4).getInt32(0) === frame.byteLength) return new Uint8Array(frame.buffer, at, frame.byteLength + 4);
  const out = new Uint8Array(4 + frame.byteLength);
  new DataView(out.buffer).setInt32(0, frame.byteLength);
  out.set(frame, 4);
  return out;
}
