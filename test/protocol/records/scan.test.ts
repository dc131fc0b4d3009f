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
  type RecordFault,
  type RecordInput,
  type RecordsScan,
  type ScanBatchOptions,
  type TimestampRules,
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

/** Kafka's LogValidator.validateKey and validateTimestamp on one decoded record. */
function fault(r: KafkaRecord, batchIndex: number, logAppendTimeBatch: boolean, options: ScanBatchOptions): RecordFault | null {
  const at = (kind: RecordFault["kind"]): RecordFault => ({ batchIndex, kind, timestamp: r.timestamp });
  if (options.keyRequired === true && r.key === null) return at("no-key");
  const rules = options.timestampRules;
  if (rules === undefined) return null;
  if (rules.topicType === "CreateTime" && r.timestamp !== -1) {
    return rules.now - r.timestamp > rules.beforeMaxMs || r.timestamp - rules.now > rules.afterMaxMs ? at("timestamp-out-of-range") : null;
  }
  return logAppendTimeBatch ? at("producer-log-append-time") : null;
}

/** The scan decodeBatch's records imply. */
function summary(records: readonly KafkaRecord[], logAppendTimeBatch = false, options: ScanBatchOptions = {}): RecordsScan {
  return {
    offsetDeltasInOrder: records.every((r, i) => r.offsetDelta === i),
    maxTimestamp: records.reduce((max, r) => Math.max(max, r.timestamp), -1),
    faults: records.flatMap((r, i) => fault(r, i, logAppendTimeBatch, options) ?? []),
  };
}

/** Both outcomes, with decodeBatch's records turned into the scan they imply. */
function expectSameOutcome(batch: Uint8Array, options: ScanBatchOptions = {}): Outcome {
  const decoded = outcome(() => {
    const { header, records } = decodeBatch(batch, options);
    return summary(records, header.timestampType === "LogAppendTime", options);
  });
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

function randomRules(rng: Prng): TimestampRules | undefined {
  if (rng.int(0, 4) === 0) return undefined;
  const limit = () => rng.pick([0, rng.int(0, 10_000), rng.int(0, 2 ** 41), LONG_MAX]);
  const topicType = rng.int(0, 5) === 0 ? "LogAppendTime" : "CreateTime";
  return { topicType, now: BASE_TIMESTAMP + rng.int(-10_000, 10_000), beforeMaxMs: limit(), afterMaxMs: limit() };
}

describe("scanBatch on valid batches", () => {
  test("agrees with decodeBatch for random batches in every codec", () => {
    const rng = new Prng(31_337);
    const seen = { nullKey: 0, mismatch: 0, outside: 0, logAppendTime: 0, inside: 0 };
    for (let run = 0; run < 500; run++) {
      const codec = CODECS[run % CODECS.length]!;
      const timestampType = rng.pick(["CreateTime", "LogAppendTime"] as const);
      const batch = encodeBatch(randomRecords(rng, 30), { codec, timestampType, baseOffset: rng.int(0, 2 ** 40) });
      const timestampRules = randomRules(rng);
      const result = expectSameOutcome(batch, { timestampRules, keyRequired: rng.int(0, 1) === 0 });
      if (!("ok" in result)) throw new Error(`valid ${codec} batch failed: ${JSON.stringify(result)}`);
      const scan = result.ok as RecordsScan;
      const kinds = new Set(scan.faults.map((f) => f.kind));
      if (kinds.has("no-key")) seen.nullKey++;
      if (!scan.offsetDeltasInOrder) seen.mismatch++;
      if (kinds.has("timestamp-out-of-range")) seen.outside++;
      else if (kinds.has("producer-log-append-time")) seen.logAppendTime++;
      else if (timestampRules !== undefined) seen.inside++;
    }
    // the generator reaches every branch of the summary
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  });

  test("the empty batch, and records with nothing but nulls", () => {
    for (const codec of CODECS) {
      expect(scanBatch(encodeBatch([], { codec }))).toEqual(summary([]));
      const batch = encodeBatch([{ key: null, value: null }, { key: new Uint8Array(0), value: new Uint8Array(0), headers: [{ key: "", value: null }] }], { codec });
      const scan = scanBatch(batch, { keyRequired: true });
      expect(scan).toEqual(summary(decodeBatch(batch).records, false, { keyRequired: true }));
      expect(scan.faults.map((f) => [f.batchIndex, f.kind])).toEqual([[0, "no-key"]]);
    }
  });

  test("under LogAppendTime every record's timestamp is the batch's maxTimestamp", () => {
    const batch = encodeBatch([{ value: null, timestamp: 10 }, { value: null, timestamp: 5_000 }], { timestampType: "LogAppendTime" });
    const scan = scanBatch(batch, { timestampRules: { topicType: "CreateTime", now: 0, beforeMaxMs: LONG_MAX, afterMaxMs: 100 } });
    expect(scan.faults).toEqual([0, 1].map((i) => ({ batchIndex: i, kind: "timestamp-out-of-range", timestamp: 5_000 })));
    expect(scan.maxTimestamp).toBe(5_000);
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
  const rules: ScanBatchOptions = { timestampRules: { topicType: "CreateTime", now: BASE_TIMESTAMP, beforeMaxMs: 5, afterMaxMs: LONG_MAX }, keyRequired: true };

  test("every truncation of the batch", () => {
    for (let n = 0; n < batch.length; n++) {
      expectSameOutcome(batch.subarray(0, n));
      expectSameOutcome(batch.subarray(0, n), { verifyCrc: false });
    }
  });

  test("every truncation of the records area, behind a header that matches it", () => {
    for (let n = 0; n <= area.length; n++) {
      for (const count of [records.length, 1, 2]) expectSameOutcome(batchWith(area.subarray(0, n), count, codec), rules);
    }
  });

  test("every flipped bit of the records area, behind a header that matches it", () => {
    for (let bit = 0; bit < area.length * 8; bit++) {
      const bad = area.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expectSameOutcome(batchWith(bad, records.length, codec, rng.pick(["CreateTime", "LogAppendTime"] as const)), rules);
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
    for (let run = 0; run < 300; run++) expectSameOutcome(batchWith(rng.bytes(120), rng.int(-1, 20), codec), rules);
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
