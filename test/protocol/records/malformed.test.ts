import { describe, expect, test } from "bun:test";
import { Writer } from "../../../src/protocol/primitives.ts";
import { CODECS, computeBatchCrc, decodeBatch, encodeBatch, splitBatches, validateBatch } from "../../../src/protocol/records/index.ts";
import { batchWith, bytes, decodeErrorOrResult, expectDecodeError, Prng } from "./helpers.ts";

const small = [
  { key: bytes("k"), value: bytes("value one"), headers: [{ key: "h", value: bytes("x") }], timestamp: 1000 },
  { key: null, value: null, timestamp: 990 },
];


function record(write: (w: Writer) => void): Uint8Array {
  const body = new Writer();
  write(body);
  const w = new Writer();
  w.varint(body.pos).raw(body.finish());
  return w.finish().slice();
}

describe.each(CODECS)("malformed %s batches", (codec) => {
  const batch = encodeBatch(small, { codec, baseOffset: 5 });

  test("every truncation is a DecodeError", () => {
    for (let n = 0; n < batch.length; n++) {
      const prefix = batch.subarray(0, n);
      expectDecodeError(() => decodeBatch(prefix));
      expectDecodeError(() => validateBatch(prefix));
      expect(splitBatches(prefix).batches.length).toBe(0);
    }
  });

  test("every flipped bit is a DecodeError (checked CRC) or decodes (unchecked)", () => {
    for (let bit = 0; bit < batch.length * 8; bit++) {
      const bad = batch.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      if (bit >= 21 * 8) expectDecodeError(() => validateBatch(bad));
      decodeErrorOrResult(() => decodeBatch(bad));
      decodeErrorOrResult(() => decodeBatch(bad, { verifyCrc: false }));
    }
  });

  test("a wrong CRC is crc-mismatch", () => {
    const bad = batch.slice();
    bad[bad.length - 1]! ^= 0x40;
    expect(expectDecodeError(() => validateBatch(bad), "crc-mismatch").offset).toBe(17);
    expectDecodeError(() => decodeBatch(bad), "crc-mismatch");
  });
});

describe("malformed headers", () => {
  const batch = encodeBatch(small);

  test("magic other than 2", () => {
    const bad = batch.slice();
    bad[16] = 1;
    expect(expectDecodeError(() => validateBatch(bad), "unsupported-version").offset).toBe(16);
  });

  test("unknown codec", () => {
    for (const id of [5, 6, 7]) {
      const bad = batch.slice();
      bad[22] = (bad[22]! & ~7) | id;
      new DataView(bad.buffer).setUint32(17, computeBatchCrc(bad));
      expectDecodeError(() => validateBatch(bad), "unknown-codec");
      expectDecodeError(() => decodeBatch(bad), "unknown-codec");
    }
  });

  test("batchLength not matching the bytes", () => {
    expectDecodeError(() => validateBatch(new Uint8Array([...batch, 0])), "bad-value");
    const longer = batch.slice();
    new DataView(longer.buffer).setInt32(8, batch.length);
    expectDecodeError(() => validateBatch(longer), "truncated");
    new DataView(longer.buffer).setInt32(8, 20);
    expectDecodeError(() => validateBatch(longer), "bad-value");
  });

  test("lastOffsetDelta + 1 != recordCount and a negative recordCount", () => {
    const bad = batch.slice();
    new DataView(bad.buffer).setInt32(23, 5);
    new DataView(bad.buffer).setUint32(17, computeBatchCrc(bad));
    expect(expectDecodeError(() => validateBatch(bad), "bad-value").offset).toBe(23);
    new DataView(bad.buffer).setInt32(57, -3);
    new DataView(bad.buffer).setUint32(17, computeBatchCrc(bad));
    expectDecodeError(() => validateBatch(bad), "negative-length");
    expectDecodeError(() => decodeBatch(bad), "negative-length");
  });
});

describe.each(["none", "lz4", "zstd"] as const)("malformed records (%s)", (codec) => {
  const good = record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(1).raw(bytes("v")).varint(0));

  test("the well-formed baseline decodes", () => {
    expect(decodeBatch(batchWith(good, 1, codec)).records[0]!.value).toEqual(bytes("v"));
  });

  test.each([
    ["key length 2^30", record((w) => w.int8(0).varlong(0).varint(0).varint(2 ** 30).varint(-1).varint(0)), "length-exceeds-frame"],
    ["key length -2", record((w) => w.int8(0).varlong(0).varint(0).varint(-2).varint(-1).varint(0)), "negative-length"],
    ["header count 2^30", record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(2 ** 30)), "length-exceeds-frame"],
    ["negative header count", record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(-5)), "negative-length"],
    ["null header key", record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(1).varint(-1).varint(-1)), "negative-length"],
    ["header value past the end", record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(1).varint(1).raw(bytes("h")).varint(99)), "length-exceeds-frame"],
    ["record length 2^30", (() => { const w = new Writer(); w.varint(2 ** 30).raw(good.subarray(1)); return w.finish().slice(); })(), "length-exceeds-frame"],
    ["negative record length", (() => { const w = new Writer(); w.varint(-4).raw(good.subarray(1)); return w.finish().slice(); })(), "negative-length"],
    ["record length shorter than its fields", (() => { const g = good.slice(); g[0] = (good.length - 2) * 2; return g; })(), undefined],
    ["varint longer than 5 bytes", record((w) => w.int8(0).varlong(0).raw(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).varint(-1).varint(-1).varint(0)), "bad-varint"],
    ["varlong longer than 10 bytes", record((w) => w.int8(0).raw(new Uint8Array(11).fill(0x80)).varint(0)), undefined],
  ] as const)("%s", (_, bad, code) => {
    expectDecodeError(() => decodeBatch(batchWith(bad, 1, codec)), code);
  });

  test("more records claimed than present, or bytes left over", () => {
    expectDecodeError(() => decodeBatch(batchWith(good, 2, codec)));
    expectDecodeError(() => decodeBatch(batchWith(new Uint8Array([...good, ...good]), 1, codec)), "bad-value");
    expectDecodeError(() => decodeBatch(batchWith(good, 2 ** 31 - 1, codec)), "length-exceeds-frame");
  });
});

describe("arbitrary input", () => {
  test("random records round trip in every codec", () => {
    const rng = new Prng(20_240_601);
    for (let run = 0; run < 200; run++) {
      const records = Array.from({ length: rng.int(0, 20) }, () => ({
        key: rng.maybeNull(rng.bytes(40)),
        value: rng.maybeNull(rng.bytes(300)),
        headers: Array.from({ length: rng.int(0, 3) }, () => ({ key: rng.text(10), value: rng.maybeNull(rng.bytes(20)) })),
        timestamp: rng.int(0, 2 ** 45),
      }));
      const codec = rng.pick(CODECS);
      const { records: back } = decodeBatch(encodeBatch(records, { codec }));
      expect(back.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp }))).toEqual(records);
    }
  });

  test("random bytes, and valid batches with random bytes overwritten, throw nothing but DecodeError", () => {
    const rng = new Prng(7);
    const valid = CODECS.map((codec) => encodeBatch(small, { codec }));
    for (let run = 0; run < 3000; run++) {
      let junk = rng.bytes(400);
      if (run % 2 === 1) {
        junk = rng.pick(valid).slice();
        for (let k = rng.int(1, 4); k > 0; k--) junk[rng.int(0, junk.length - 1)] = rng.uint32() & 0xff;
      }
      decodeErrorOrResult(() => decodeBatch(junk));
      decodeErrorOrResult(() => decodeBatch(junk, { verifyCrc: false }));
      decodeErrorOrResult(() => validateBatch(junk));
      decodeErrorOrResult(() => splitBatches(junk));
    }
  });

  test("random records areas behind a valid header throw nothing but DecodeError", () => {
    const rng = new Prng(99);
    for (let run = 0; run < 3000; run++) {
      const area = rng.bytes(300);
      decodeErrorOrResult(() => decodeBatch(batchWith(area, rng.int(-2, 50), rng.pick(CODECS))));
    }
  });
});
