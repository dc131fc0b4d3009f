// The client's and the cat commands' pure parts: murmur2, response framing, addresses, version
// negotiation, line splitting and record partitioning.

import { describe, expect, test } from "bun:test";
import { keyPartition, murmur2, negotiate, parseAddress, parseBootstrap, toPositive } from "../../src/client/index.ts";
import { FrameAssembler } from "../../src/protocol/frames.ts";
import { lines } from "../../src/commands/lines.ts";
import { parseLine, RecordBatcher } from "../../src/commands/record-batcher.ts";
import { FetchApi, MetadataApi } from "../../src/protocol/generated/index.ts";
import { decodeBatch } from "../../src/protocol/records/index.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b === null || b === undefined ? null : new TextDecoder().decode(b));

describe("murmur2", () => {
  // org.apache.kafka.common.utils.UtilsTest.testMurmur2
  test.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("murmur2(%p) = %p as in Kafka", (key, hash) => {
    expect(murmur2(utf8(key))).toBe(hash);
  });

  test("the partition is the positive hash modulo the partition count", () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(keyPartition(utf8("21"), 7)).toBe((-973932308 & 0x7fffffff) % 7);
  });
});

function frame(body: number[]): Uint8Array {
  return Uint8Array.of(0, 0, 0, body.length, ...body);
}

describe("FrameAssembler for responses", () => {
  test("a frame that arrives a byte at a time comes out whole, once", () => {
    const frames = new FrameAssembler(1024, 4, "response");
    const out: Uint8Array[] = [];
    for (const b of frame([0, 0, 0, 9, 1, 2, 3])) out.push(...frames.push(Uint8Array.of(b)).frames);
    expect(out.map((f) => [...f])).toEqual([[0, 0, 0, 9, 1, 2, 3]]);
  });

  test("several frames in one chunk, the last cut short, come out as they complete", () => {
    const frames = new FrameAssembler(1024, 4, "response");
    const bytes = Buffer.concat([frame([0, 0, 0, 1]), frame([0, 0, 0, 2, 5]), frame([0, 0, 0, 3, 6, 7])]);
    expect(frames.push(bytes.subarray(0, 18)).frames.map((f) => [...f])).toEqual([
      [0, 0, 0, 1],
      [0, 0, 0, 2, 5],
    ]);
    expect(frames.push(bytes.subarray(18)).frames.map((f) => [...f])).toEqual([[0, 0, 0, 3, 6, 7]]);
  });

  test("a size below a correlation id or above the limit is an error", () => {
    expect(new FrameAssembler(1024, 4, "response").push(Uint8Array.of(0, 0, 0, 2, 0, 0)).error).toContain("response size 2");
    expect(new FrameAssembler(1024, 4, "response").push(Uint8Array.of(0, 0, 4, 1)).error).toContain("response size 1025");
  });
});

describe("addresses", () => {
  test("host:port, [v6]:port and lists", () => {
    expect(parseAddress("localhost:9092")).toEqual({ host: "localhost", port: 9092 });
    expect(parseAddress("[::1]:9093")).toEqual({ host: "::1", port: 9093 });
    expect(parseBootstrap("a:1, b:2")).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 2 },
    ]);
  });

  test.each(["localhost", "localhost:0", "localhost:65536", ":9092", "a:1,b", ""])("%p is not a bootstrap list", (value) => {
    expect(parseBootstrap(value)).toBeNull();
  });
});

describe("negotiate", () => {
  const broker = new Map([
    [MetadataApi.apiKey, { min: 0, max: 99 }],
    [FetchApi.apiKey, { min: 4, max: 17 }],
  ]);

  test("the highest version both know, under a cap", () => {
    expect(negotiate(MetadataApi, broker)).toBe(MetadataApi.maxVersion);
    expect(negotiate(FetchApi, broker, 12)).toBe(12);
  });

  test("null when the ranges do not meet or the broker lacks the API", () => {
    expect(negotiate(FetchApi, broker, 3)).toBeNull();
    expect(negotiate(MetadataApi, new Map())).toBeNull();
  });
});

async function collect(chunks: string[]): Promise<(string | null)[]> {
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(utf8(chunk));
      c.close();
    },
  });
  const out: (string | null)[] = [];
  for await (const line of lines(stream)) out.push(text(line));
  return out;
}

describe("lines", () => {
  test("split on \\n across chunks; \\r\\n counts as \\n; a last line without \\n counts", async () => {
    expect(await collect(["a\nb", "c\r\n", "\nd"])).toEqual(["a", "bc", "", "d"]);
  });

  test("a trailing newline adds no empty line; empty input has none", async () => {
    expect(await collect(["x\n"])).toEqual(["x"]);
    expect(await collect([])).toEqual([]);
  });
});

describe("records from lines", () => {
  test("the first TAB separates key and value", () => {
    const r = parseLine(utf8("k\tv\tw"));
    expect([text(r.key), text(r.value)]).toEqual(["k", "v\tw"]);
    expect(parseLine(utf8("plain")).key).toBeNull();
  });

  const partitions = [0, 1, 2].map((partition) => ({ partition, leader: 111 }));

  test("keyed records go where murmur2 puts them, keyless ones round-robin", () => {
    const batcher = new RecordBatcher(partitions);
    for (const line of ["21\ta", "x", "y", "z", "foobar\tb"]) batcher.add(parseLine(utf8(line)));
    const batches = batcher.take();
    const contents = new Map(batches.map((b) => [b.partition, decodeBatch(b.records).records.map((r) => text(r.value))]));
    const at = (key: string) => keyPartition(utf8(key), 3);
    const expected = new Map<number, string[]>();
    const put = (p: number, v: string) => expected.set(p, [...(expected.get(p) ?? []), v]);
    put(at("21"), "a");
    put(0, "x");
    put(1, "y");
    put(2, "z");
    put(at("foobar"), "b");
    expect(contents).toEqual(expected);
    expect(batches.every((b) => b.leader === 111)).toBe(true);
    expect(batcher.take()).toEqual([]);
  });

  test("--partition sends everything to one partition", () => {
    const batcher = new RecordBatcher(partitions, 2);
    for (const line of ["21\ta", "x"]) batcher.add(parseLine(utf8(line)));
    expect(batcher.take().map((b) => b.partition)).toEqual([2]);
  });
});
