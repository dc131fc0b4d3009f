import { expect } from "bun:test";
import { DecodeError, type DecodeErrorCode } from "../../../src/protocol/primitives.ts";
import { type Codec, compress, computeBatchCrc, encodeBatch, type TimestampType } from "../../../src/protocol/records/index.ts";

export const utf8 = new TextEncoder();

export function bytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Runs fn; passes if it returns or throws a DecodeError, fails on any other exception. */
export function decodeErrorOrResult(fn: () => unknown): DecodeError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`expected DecodeError, got ${String(e)}`, { cause: e });
    expect(Number.isInteger(e.offset)).toBe(true);
    return e;
  }
}

export function expectDecodeError(fn: () => unknown, code?: DecodeErrorCode): DecodeError {
  const e = decodeErrorOrResult(fn);
  if (e === undefined) throw new Error("expected a DecodeError, but decoding succeeded");
  if (code !== undefined) expect(e.code).toBe(code);
  return e;
}

/** Deterministic pseudo-random bytes, so failures reproduce. */
export function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const rng = new Prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uint32() & 0xff;
  return out;
}

/** JSON-ish event values of about 100 bytes, like typical Kafka record values. */
export function jsonValues(count: number): Uint8Array[] {
  const events = ["page_view", "click", "add_to_cart", "purchase"];
  return Array.from({ length: count }, (_, i) =>
    bytes(
      JSON.stringify({
        id: 100000 + i,
        user: `user-${(i * 7919) % 1000}`,
        event: events[i % events.length],
        ts: 1_700_000_000_000 + i * 37,
        amount: ((i * 31) % 10000) / 100,
      }),
    ),
  );
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A small seeded generator (xorshift32) for randomized tests that reproduce. */
export class Prng {
  private x: number;

  constructor(seed: number) {
    this.x = seed | 0 || 1;
  }

  uint32(): number {
    this.x ^= this.x << 13;
    this.x ^= this.x >>> 17;
    this.x ^= this.x << 5;
    return this.x >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((this.uint32() / 0x1_0000_0000) * (max - min + 1));
  }

  bytes(maxLength: number): Uint8Array {
    const out = new Uint8Array(this.int(0, maxLength));
    for (let i = 0; i < out.length; i++) out[i] = this.uint32() & 0xff;
    return out;
  }

  text(maxLength: number): string {
    const alphabet = "abcXYZ09-_.é✓🙂";
    return Array.from({ length: this.int(0, maxLength) }, () => [...alphabet][this.int(0, [...alphabet].length - 1)]).join("");
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  maybeNull<T>(value: T): T | null {
    return this.int(0, 4) === 0 ? null : value;
  }
}

/** A batch whose (uncompressed) records area is `area`, with header counts and CRC made to match. */
export function batchWith(area: Uint8Array, recordCount: number, codec: Codec = "none", timestampType: TimestampType = "CreateTime"): Uint8Array {
  const header = encodeBatch([{ value: null, timestamp: 1_700_000_000_000 }], { codec, timestampType }).subarray(0, 61);
  const payload = compress(codec, area);
  const batch = new Uint8Array(61 + payload.length);
  batch.set(header);
  batch.set(payload, 61);
  const view = new DataView(batch.buffer);
  view.setInt32(8, batch.length - 12);
  view.setInt32(23, recordCount - 1);
  view.setInt32(57, recordCount);
  view.setUint32(17, computeBatchCrc(batch));
  return batch;
}
