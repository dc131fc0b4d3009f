// scanBatch must agree with decodeBatch: the same summary of valid batches, and on malformed ones
// the same DecodeError (code, position and message), never another exception.

import { describe, expect, test } from "bun:test";
import { DecodeError } from "../../../src/protocol/primitives.ts";
import {
  CODECS,
  decodeBatch,
  encodeBatch,
  scanBatch,
  type KafkaRecord,
  type RecordInput,
  type RecordsScan,
  type TimestampBounds,
} from "../../../src/protocol/records/index.ts";
import { batchWith, bytes, Prng } from "./helpers.ts";

type Outcome = { error: { code: string; offset: number; message: string } } | { ok: unknown };

/** What fn returns, or the DecodeError it throws; any other exception fails the test. */
function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`expected DecodeError, got ${String(e)}`, { cause: e });
    return { error: { code: e.code, offset: e.offset, message: e.message } };
  }
}

/** The scan decodeBatch's records imply. */
function summary(records: readonly KafkaRecord[], bounds?: TimestampBounds): RecordsScan {
  const mismatch = records.findIndex((r, i) => r.offsetDelta !== i);
  const outside = bounds === undefined ? -1 : records.findIndex((r) => bounds.now - r.timestamp > bounds.beforeMaxMs || r.timestamp - bounds.now > bounds.afterMaxMs);
  return {
    offsetDeltaMismatchAt: mismatch,
    mismatchedOffsetDelta: mismatch < 0 ? 0 : records[mismatch]!.offsetDelta,
    hasNullKey: records.some((r) => r.key === null),
    timestampOutOfRangeAt: outside,
    outOfRangeTimestamp: outside < 0 ? 0 : records[outside]!.timestamp,
    outOfRangeOffsetDelta: outside < 0 ? 0 : records[outside]!.offsetDelta,
  };
}

/** Both outcomes, with decodeBatch's records turned into the scan they imply. */
function expectSameOutcome(batch: Uint8Array, options: { verifyCrc?: boolean; maxDecompressedBytes?: number; timestampBounds?: TimestampBounds } = {}): Outcome {
  const decoded = outcome(() => summary(decodeBatch(batch, options).records, options.timestampBounds));
  const scanned = outcome(() => scanBatch(batch, options));
  expect(scanned).toEqual(decoded);
  return scanned;
}


const BASE_TIMESTAMP = 1_700_000_000_000;
const LONG_MAX = Number("9223372036854775807");

function randomRecords(rng: Prng, maxCount: number): RecordInput[] {
  const shuffleOffsets = rng.int(0, 3) === 0;
  return Array.from({ length: rng.int(0, maxCount) }, (_, i) => ({
    key: rng.maybeNull(rng.bytes(40)),
    value: rng.pick([null, new Uint8Array(0), rng.bytes(300)]),
    headers: Array.from({ length: rng.int(0, 3) }, () => ({ key: rng.text(10), value: rng.pick([null, new Uint8Array(0), rng.bytes(20)]) })),
    timestamp: BASE_TIMESTAMP + rng.pick([0, rng.int(-5000, 5000), rng.int(-(2 ** 40), 2 ** 40)]),
    offsetDelta: shuffleOffsets && rng.int(0, 4) === 0 ? rng.int(0, 2 ** 31 - 1) : i,
  }));
}

function randomBounds(rng: Prng): TimestampBounds | undefined {
  if (rng.int(0, 4) === 0) return undefined;
  const limit = () => rng.pick([0, rng.int(0, 10_000), rng.int(0, 2 ** 41), LONG_MAX]);
  return { now: BASE_TIMESTAMP + rng.int(-10_000, 10_000), beforeMaxMs: limit(), afterMaxMs: limit() };
}

describe("scanBatch on valid batches", () => {
  test("agrees with decodeBatch for random batches in every codec", () => {
    const rng = new Prng(31_337);
    const seen = { nullKey: 0, mismatch: 0, outside: 0, inside: 0 };
    for (let run = 0; run < 500; run++) {
      const codec = CODECS[run % CODECS.length]!;
      const timestampType = rng.pick(["CreateTime", "LogAppendTime"] as const);
      const batch = encodeBatch(randomRecords(rng, 30), { codec, timestampType, baseOffset: rng.int(0, 2 ** 40) });
      const timestampBounds = randomBounds(rng);
      const result = expectSameOutcome(batch, { timestampBounds });
      if (!("ok" in result)) throw new Error(`valid ${codec} batch failed: ${JSON.stringify(result)}`);
      const scan = result.ok as RecordsScan;
      if (scan.hasNullKey) seen.nullKey++;
      if (scan.offsetDeltaMismatchAt >= 0) seen.mismatch++;
      if (scan.timestampOutOfRangeAt >= 0) seen.outside++;
      else if (timestampBounds !== undefined) seen.inside++;
    }
    // the generator reaches every branch of the summary
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  });

  test("the empty batch, and records with nothing but nulls", () => {
    for (const codec of CODECS) {
      expect(scanBatch(encodeBatch([], { codec }))).toEqual(summary([]));
      const batch = encodeBatch([{ key: null, value: null }, { key: new Uint8Array(0), value: new Uint8Array(0), headers: [{ key: "", value: null }] }], { codec });
      const scan = scanBatch(batch);
      expect(scan).toEqual(summary(decodeBatch(batch).records));
      expect(scan.hasNullKey).toBe(true);
    }
  });

  test("under LogAppendTime every record's timestamp is the batch's maxTimestamp", () => {
    const batch = encodeBatch([{ value: null, timestamp: 10 }, { value: null, timestamp: 5_000 }], { timestampType: "LogAppendTime" });
    const scan = scanBatch(batch, { timestampBounds: { now: 0, beforeMaxMs: LONG_MAX, afterMaxMs: 100 } });
    expect(scan).toMatchObject({ timestampOutOfRangeAt: 0, outOfRangeTimestamp: 5_000, outOfRangeOffsetDelta: 0 });
  });
});

describe.each(CODECS)("scanBatch on malformed %s batches", (codec) => {
  const rng = new Prng(codec.length * 1_000 + 7);
  const records: RecordInput[] = [
    { key: bytes("k"), value: bytes("value one"), headers: [{ key: "h", value: bytes("x") }, { key: "é", value: null }], timestamp: BASE_TIMESTAMP },
    { key: null, value: null, timestamp: BASE_TIMESTAMP - 10 },
    { key: new Uint8Array(0), value: new Uint8Array(0), timestamp: BASE_TIMESTAMP + 2 ** 33 },
  ];
  const batch = encodeBatch(records, { codec, baseOffset: 5 });
  const area = encodeBatch(records).subarray(61);
  const bounds = { now: BASE_TIMESTAMP, beforeMaxMs: 5, afterMaxMs: LONG_MAX };

  test("every truncation of the batch", () => {
    for (let n = 0; n < batch.length; n++) {
      expectSameOutcome(batch.subarray(0, n));
      expectSameOutcome(batch.subarray(0, n), { verifyCrc: false });
    }
  });

  test("every truncation of the records area, behind a header that matches it", () => {
    for (let n = 0; n <= area.length; n++) {
      for (const count of [records.length, 1, 2]) expectSameOutcome(batchWith(area.subarray(0, n), count, codec), { timestampBounds: bounds });
    }
  });

  test("every flipped bit of the records area, behind a header that matches it", () => {
    for (let bit = 0; bit < area.length * 8; bit++) {
      const bad = area.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expectSameOutcome(batchWith(bad, records.length, codec, rng.pick(["CreateTime", "LogAppendTime"] as const)), { timestampBounds: bounds });
    }
  });

  test("a sample of flipped bits of the whole batch, CRC unchecked", () => {
    for (let k = 0; k < 400; k++) {
      const bit = rng.int(0, batch.length * 8 - 1);
      const bad = batch.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expectSameOutcome(bad, { verifyCrc: false });
      expectSameOutcome(bad);
    }
  });

  test("recordCount not matching the records", () => {
    for (const count of [-1, 0, 2, 4, 5, 100, 2 ** 31 - 1]) expectSameOutcome(batchWith(area, count, codec));
    expectSameOutcome(batchWith(new Uint8Array([...area, ...area]), records.length, codec));
    expectSameOutcome(batchWith(new Uint8Array([...area, 0]), records.length, codec));
  });

  test("random records areas", () => {
    for (let run = 0; run < 300; run++) expectSameOutcome(batchWith(rng.bytes(120), rng.int(-1, 20), codec), { timestampBounds: bounds });
  });
});

describe("scanBatch on edge cases", () => {
  test("the decompressed size cap", () => {
    const batch = encodeBatch([{ value: new Uint8Array(10_000) }], { codec: "zstd" });
    const scanned = expectSameOutcome(batch, { maxDecompressedBytes: 1_000 });
    expect(scanned).toMatchObject({ error: { code: "bad-compression" } });
    expectSameOutcome(batch, { maxDecompressedBytes: 10_100 });
  });

  test("the records area ending inside each field of the last record", () => {
    const first = encodeBatch([{ key: bytes("key"), value: bytes("a longer value"), timestamp: BASE_TIMESTAMP }]).subarray(61);
    const last = encodeBatch([{ value: bytes("v"), headers: [{ key: "h", value: bytes("x") }], timestamp: BASE_TIMESTAMP }, { key: bytes("k"), value: bytes("v"), headers: [{ key: "h", value: bytes("x") }], timestamp: BASE_TIMESTAMP + 2 ** 40 }]).subarray(61);
    for (let n = 0; n <= last.length; n++) {
      for (const codec of ["none", "snappy"] as const) expectSameOutcome(batchWith(new Uint8Array([...first, ...last.subarray(0, n)]), 3, codec));
    }
    // a record length that matches what is left, so the fields themselves run out
    const body = last.subarray(1, 1 + last[0]! / 2);
    for (let n = 0; n <= body.length; n++) {
      for (const codec of ["none", "snappy"] as const) expectSameOutcome(batchWith(new Uint8Array([...first, n * 2, ...body.subarray(0, n)]), 2, codec));
    }
  });

  test("hand-made records: long varints, a varlong beyond 2^53, lengths past the record", () => {
    const rng = new Prng(4242);
    const valid = encodeBatch([{ key: bytes("key"), value: bytes("value"), headers: [{ key: "h", value: bytes("v") }], timestamp: BASE_TIMESTAMP }]).subarray(61);
    // byte 0 record length, 1 attributes, 2 timestampDelta, 3 offsetDelta, 4 key length …
    const edits: Uint8Array[] = [
      Uint8Array.of(valid[0]!, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0),
      Uint8Array.of(valid[0]!, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
      Uint8Array.of(valid[0]!, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02),
      Uint8Array.of(valid[0]!, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0),
      Uint8Array.of(valid[0]!, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0),
      Uint8Array.of(valid[0]!, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10),
      Uint8Array.of(valid[0]!, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
      Uint8Array.of(valid[0]!, 0, 0, 0, 0x03, 0x03),
    ];
    for (const edit of edits) {
      for (const codec of CODECS) expectSameOutcome(batchWith(edit, 1, codec));
      const area = valid.slice();
      area.set(edit.subarray(0, Math.min(edit.length, area.length)));
      expectSameOutcome(batchWith(area, 1, "none"));
    }
    // every single byte of the valid record replaced by a value near a varint boundary
    for (let at = 0; at < valid.length; at++) {
      for (const v of [0x00, 0x01, 0x7f, 0x80, 0xff, rng.int(0, 255)]) {
        const area = valid.slice();
        area[at] = v;
        expectSameOutcome(batchWith(area, 1, "none"));
        expectSameOutcome(batchWith(area, 1, "lz4"));
      }
    }
  });
});
