import { tooLarge } from "./limits.ts";

/** A growable output buffer that never grows past maxBytes. */
export class BoundedOutput {
  buf = new Uint8Array(0);
  pos = 0;

  constructor(
    readonly maxBytes: number,
    readonly at: number,
  ) {}

  /** Makes room for n more bytes; fails if that would pass maxBytes. */
  ensure(n: number, at = this.at): void {
    const need = this.pos + n;
    if (need > this.maxBytes) tooLarge(at, need, this.maxBytes);
    if (need <= this.buf.length) return;
    const next = new Uint8Array(Math.min(this.maxBytes, Math.max(need, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Like ensure, but settles for what is left under maxBytes; returns the writable end. */
  ensureUpTo(n: number): number {
    this.ensure(Math.min(n, this.maxBytes - this.pos));
    return Math.min(this.pos + n, this.maxBytes);
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
