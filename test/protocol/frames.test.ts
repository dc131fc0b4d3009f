// Frame reassembly on both sides of the wire: frames come out whole, in order, once, as bytes of
// their own, whatever the chunking; buffers grow with what was received, not with what a size
// prefix claims.

import { describe, expect, test } from "bun:test";
import { FrameAssembler, sizePrefixed } from "../../src/protocol/frames.ts";

function framed(sizes: number[], seed = 1): { bytes: Uint8Array; frames: Uint8Array[] } {
  let x = seed;
  const frames = sizes.map((n) => Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) >>> 0) & 0xff));
  const bytes = new Uint8Array(sizes.reduce((a, n) => a + 4 + n, 0));
  let at = 0;
  for (const f of frames) {
    new DataView(bytes.buffer).setInt32(at, f.length);
    bytes.set(f, at + 4);
    at += 4 + f.length;
  }
  return { bytes, frames };
}

function reassemble(bytes: Uint8Array, chunkSizes: number[]): Uint8Array[] {
  const a = new FrameAssembler(64 << 20);
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.min(chunkSizes[i % chunkSizes.length]!, bytes.length - at);
    const r = a.push(bytes.slice(at, at + n));
    expect(r.error).toBeNull();
    out.push(...r.frames);
    at += n;
  }
  expect(a.buffered).toBe(0);
  return out;
}

const SIZES = [1, 10, 5_000, 65_535, 65_536, 70_000, 3, 1_048_576, 2, 200_000, 200_000, 7];

test.each([[[1]], [[7, 3]], [[4096]], [[65_536]], [[524_288]], [[1 << 22]], [[100, 70_001, 3, 1_000_003]]])("any chunking (%p) yields every frame whole and in order", (chunks) => {
  const { bytes, frames } = framed(SIZES);
  const out = reassemble(bytes, chunks);
  expect(out.length).toBe(frames.length);
  out.forEach((f, i) => expect(Buffer.compare(f, frames[i]!)).toBe(0));
});

test("frames are bytes of their own: writing one changes no other frame and no later one", () => {
  const { bytes, frames } = framed(SIZES, 7);
  const a = new FrameAssembler(64 << 20);
  const first = a.push(bytes.subarray(0, 700_000)).frames;
  expect(first.length).toBeGreaterThan(3);
  for (const f of first) f.fill(0xee);
  const rest = a.push(bytes.subarray(700_000)).frames;
  expect(first.length + rest.length).toBe(frames.length);
  rest.forEach((f, i) => expect(Buffer.compare(f, frames[first.length + i]!)).toBe(0));
  const all = [...first, ...rest];
  all.forEach((f, i) => f.fill(i));
  all.forEach((f, i) => expect(f.every((b) => b === i)).toBe(true));
});

test("a size prefix claiming more than was received does not allocate what it claims", () => {
  const a = new FrameAssembler(1 << 30);
  const claim = new Uint8Array(1000);
  new DataView(claim.buffer).setInt32(0, (1 << 30) - 1);
  expect(a.push(claim).frames).toEqual([]);
  const grown = (a as unknown as { buf: Uint8Array }).buf.length;
  expect(grown).toBeLessThanOrEqual(8 * 1000 + (1 << 20));
  expect(a.buffered).toBe(1000);
});

test("sizes outside the limits are errors", () => {
  expect(new FrameAssembler(1024).push(Uint8Array.of(0, 0, 0, 0)).error).toContain("request size 0");
  expect(new FrameAssembler(1024).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).error).toContain("request size -1");
  expect(new FrameAssembler(1024).push(Uint8Array.of(0, 0, 4, 1, 9)).error).toContain("request size 1025");
});

test("after a large frame and after a burst of small ones, memory goes back", () => {
  const a = new FrameAssembler(64 << 20);
  const buf = () => (a as unknown as { buf: Uint8Array }).buf.length;
  const big = framed([2 << 20]).bytes;
  expect(a.push(big).frames[0]!.length).toBe(2 << 20);
  expect(buf()).toBeLessThanOrEqual(4096);
  const small = framed(Array.from({ length: 40_000 }, () => 40)).bytes;
  expect(a.push(small).frames.length).toBe(40_000);
  expect(buf()).toBeLessThanOrEqual(4096);
});

test("a recycled large frame's buffer takes the next large frame, whole and correct; a small frame in between drops it", () => {
  const a = new FrameAssembler(64 << 20);
  const { bytes: first } = framed([1 << 20], 3);
  const [f1] = a.push(first).frames;
  a.recycle(f1!);
  const { bytes: second, frames: expected } = framed([(1 << 20) - 10], 4);
  const [f2] = a.push(second.subarray(0, 300_000)).frames.concat(a.push(second.subarray(300_000)).frames);
  expect(f2!.buffer).toBe(f1!.buffer);
  expect(Buffer.compare(f2!, expected[0]!)).toBe(0);

  a.recycle(f2!);
  expect(a.push(framed([10]).bytes).frames.length).toBe(1);
  const [f3] = a.push(framed([1 << 20], 5).bytes).frames;
  expect(f3!.buffer).not.toBe(f2!.buffer);
});

test("small frames are never recycled", () => {
  const a = new FrameAssembler(64 << 20);
  const [small] = a.push(framed([100]).bytes).frames;
  a.recycle(small!);
  const [big] = a.push(framed([1 << 20]).bytes).frames;
  expect(big!.buffer).not.toBe(small!.buffer);
});

test("large frames arriving together stay in their buffer, each whole; a buffer they share is never recycled", () => {
  const a = new FrameAssembler(64 << 20);
  const { bytes, frames: expected } = framed([200_000, 70_000, 5, 300_000, 90_000], 6);
  // the last frame arrives only in part: it moves to a buffer of its own, the others stay in place
  const cut = bytes.length - 50_000;
  const first = a.push(bytes.subarray(0, cut)).frames;
  expect(first.length).toBe(4);
  expect(new Set(first.map((f) => f.buffer)).size).toBe(1);
  const last = a.push(bytes.subarray(cut)).frames;
  for (const [i, f] of [...first, ...last].entries()) expect(Buffer.compare(f, expected[i]!)).toBe(0);

  a.recycle(first[0]!);
  const [next] = a.push(framed([250_000], 7).bytes).frames;
  expect(next!.buffer).not.toBe(first[0]!.buffer);
  for (const [i, f] of first.entries()) expect(Buffer.compare(f, expected[i]!)).toBe(0);
});

describe("an assembler that hands every frame over in place", () => {
  const sized = (...frames: number[][]) => Uint8Array.from(frames.flatMap((f) => [0, 0, 0, f.length, ...f]));

  test("frames of a chunk are views of it with their size just before; a rest is kept and completed", () => {
    const assembler = new FrameAssembler(1 << 20, 1, "request", true);
    const chunk = sized([1, 2, 3], [4, 5], [6, 7, 8, 9]).subarray(0, 7 + 6 + 5);
    const first = assembler.push(chunk);
    expect(first.frames.map((f) => [...f])).toEqual([[1, 2, 3], [4, 5]]);
    for (const f of first.frames) expect(f.buffer).toBe(chunk.buffer);
    expect([...sizePrefixed(first.frames[1]!)]).toEqual([0, 0, 0, 2, 4, 5]);
    expect(sizePrefixed(first.frames[1]!).buffer).toBe(chunk.buffer);
    const second = assembler.push(Uint8Array.of(7, 8, 9, ...sized([10])));
    expect(second.frames.map((f) => [...f])).toEqual([[6, 7, 8, 9], [10]]);
    expect([...sizePrefixed(second.frames[0]!)]).toEqual([0, 0, 0, 4, 6, 7, 8, 9]);
    expect(assembler.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).error).toBe("request size -1 is outside 1..1048576");
  });

  test("Bun hands each read over in a buffer of its own, never written again", async () => {
    const reads: Uint8Array[] = [];
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: (_s, chunk) => void reads.push(chunk) } });
    const client = await Bun.connect({ hostname: "127.0.0.1", port: server.port, socket: { data() {} } });
    try {
      for (let i = 0; i < 50; i++) {
        client.write(new Uint8Array(3000).fill(i));
        await Bun.sleep(2);
      }
      for (let i = 0; i < 100 && reads.reduce((n, r) => n + r.length, 0) < 150_000; i++) await Bun.sleep(10);
      expect(new Set(reads.map((r) => r.buffer)).size).toBe(reads.length);
      const all = Buffer.concat(reads);
      expect(all.length).toBe(150_000);
      expect(all.every((b, i) => b === Math.floor(i / 3000))).toBe(true);
    } finally {
      client.end();
      server.stop(true);
    }
  });
});
