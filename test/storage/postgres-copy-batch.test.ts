// copy-batch.ts turns a batch into COPY rows without a rebuild, claiming the rows reproduce it.
// Checked here against the general path: over hand-made and random encodings (padded varints,
// record attributes, headers, timestamps a row cannot hold), the fast path accepts a batch exactly
// when rebuilding it from its rows gives its bytes, and then writes the same COPY data.

import { describe, expect, test } from "bun:test";
import { decodeBatch, encodeBatch, readBatchHeader, setLogAppendTime } from "../../src/protocol/records/index.ts";
import { batchRows } from "../../src/storage/postgres/batch-rows.ts";
import { copyRowsFromBatch } from "../../src/storage/postgres/copy-batch.ts";
import { MAX_ROW_TIMESTAMP, prepareCopyRows, type PreparedRows } from "../../src/storage/postgres/copy-rows.ts";
import { rebuildBatch, type RecordRow } from "../../src/storage/postgres/rebuild.ts";
import { testBatch, zigzag } from "./record-batch.ts";

const PARTITION = 3;
const enc = new TextEncoder();

interface HandRecord {
  attributes?: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headerCount?: number;
  /** Which varints get one byte more than they need: length, timestamp, offset, key, value. */
  padded?: readonly ("length" | "timestamp" | "offset" | "key" | "value")[];
}

/** zigzag(n), or with one byte more than it needs: a continuation bit and a zero byte. */
function varint(n: number, padded: boolean): number[] {
  const bytes = zigzag(n);
  if (padded) {
    bytes[bytes.length - 1]! |= 0x80;
    bytes.push(0);
  }
  return bytes;
}

function recordBytes(r: HandRecord): number[] {
  const pad = new Set(r.padded ?? []);
  const field = (b: Uint8Array | null, which: "key" | "value") => (b === null ? varint(-1, pad.has(which)) : [...varint(b.length, pad.has(which)), ...b]);
  const headers = r.headerCount ? Array.from({ length: r.headerCount }, () => [...varint(1, false), 0x68, ...varint(1, false), 0x76]).flat() : [];
  const body = [r.attributes ?? 0, ...varint(r.timestampDelta, pad.has("timestamp")), ...varint(r.offsetDelta, pad.has("offset")), ...field(r.key, "key"), ...field(r.value, "value"), ...varint(r.headerCount ?? 0, false), ...headers];
  return [...varint(body.length, pad.has("length")), ...body];
}

function handBatch(records: readonly HandRecord[], baseTimestamp = 1_700_000_000_000): Uint8Array {
  const maxTimestamp = baseTimestamp + Math.max(0, ...records.map((r) => r.timestampDelta));
  return testBatch({ recordCount: records.length, baseTimestamp, maxTimestamp, rawPayload: new Uint8Array(records.flatMap(recordBytes)) }).bytes;
}

/** The rows the general path stores for a batch whose records carry no headers. */
function decodedRows(bytes: Uint8Array): RecordRow[] {
  const clamp = (t: number) => Math.max(-MAX_ROW_TIMESTAMP, Math.min(MAX_ROW_TIMESTAMP, t));
  return decodeBatch(bytes).records.map((r) => ({ offset: r.offsetDelta, timestamp: clamp(r.timestamp), key: r.key, value: r.value, headers: null }));
}

/** The general path's test, done here without the fast path: do those rows rebuild the batch? */
function rebuildsExactly(bytes: Uint8Array): boolean {
  const h = readBatchHeader(bytes);
  const columns = { ...h, baseOffset: 0, size: bytes.byteLength };
  const rebuilt = rebuildBatch(columns, decodedRows(bytes));
  return rebuilt.byteLength === bytes.byteLength && Buffer.from(rebuilt.subarray(8)).equals(bytes.subarray(8));
}

function metaOf(bytes: Uint8Array) {
  const h = readBatchHeader(bytes);
  return { recordCount: h.recordCount, baseTimestamp: h.baseTimestamp, maxTimestamp: h.maxTimestamp, producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, isTransactional: h.isTransactional, isControl: h.isControl };
}

function fast(bytes: Uint8Array): PreparedRows | null {
  const h = readBatchHeader(bytes);
  return copyRowsFromBatch(bytes, h, h.maxTimestamp, PARTITION);
}

function expectSameRows(bytes: Uint8Array, rows: PreparedRows): void {
  const general = prepareCopyRows(PARTITION, decodedRows(bytes));
  expect(rows.data).toEqual(general.data);
  expect(rows.rowStarts).toEqual(general.rowStarts);
  expect(rows.offsetDeltas).toEqual(general.offsetDeltas);
}

const plain = (i: number): HandRecord => ({ timestampDelta: i * 3, offsetDelta: i, key: i % 2 === 0 ? null : enc.encode(`k${i}`), value: enc.encode(`value ${i}`) });

describe("COPY rows straight from a batch", () => {
  test("a batch from encodeBatch goes the fast way, with the general path's COPY data, and rebuilds exactly", () => {
    const bytes = encodeBatch(Array.from({ length: 300 }, (_, i) => ({ key: i % 3 === 0 ? null : enc.encode(`key-${i}`), value: i % 7 === 0 ? null : enc.encode("v".repeat(i)), timestamp: 1_700_000_000_000 + i * 1000 })));
    const rows = fast(bytes);
    expect(rows).not.toBeNull();
    if (rows !== null) expectSameRows(bytes, rows);
    expect(batchRows({ bytes, meta: metaOf(bytes) }, PARTITION).bytes).toBeNull();
    expect(rebuildsExactly(bytes)).toBe(true);
  });

  const refused: [string, Uint8Array][] = [
    ...(["length", "timestamp", "offset", "key", "value"] as const).map((which): [string, Uint8Array] => [`a padded ${which} varint`, handBatch([plain(0), { ...plain(1), padded: [which] }, plain(2)])]),
    ["record attributes other than 0", handBatch([plain(0), { ...plain(1), attributes: 4 }])],
    ["a record with headers", handBatch([plain(0), { ...plain(1), headerCount: 1 }])],
    ["a timestamp beyond what timestamptz holds", handBatch([plain(0), { ...plain(1), timestampDelta: 4_000_000_000_000_000 }], 5_000_000_000_000_000)],
    ["a gzip batch", encodeBatch([{ value: enc.encode("x") }], { codec: "gzip" })],
  ];
  for (const [what, bytes] of refused) {
    test(`${what}: refused, and the rows would not rebuild it`, () => {
      expect(fast(bytes)).toBeNull();
      expect(rebuildsExactly(bytes)).toBe(false);
      expect(batchRows({ bytes, meta: metaOf(bytes) }, PARTITION).copy?.data.length ?? 0).toBeGreaterThan(0);
    });
  }

  test("LogAppendTime, a maxTimestamp other than the one stored, and trailing bytes are refused", () => {
    const appendTime = encodeBatch([{ value: enc.encode("x") }]);
    setLogAppendTime(appendTime, 1_700_000_009_999);
    expect(fast(appendTime)).toBeNull();
    const bytes = handBatch([plain(0), plain(1)]);
    const h = readBatchHeader(bytes);
    expect(copyRowsFromBatch(bytes, h, h.maxTimestamp + 1, PARTITION)).toBeNull();
    const trailing = testBatch({ recordCount: 1, rawPayload: new Uint8Array([...recordBytes(plain(0)), 0]) }).bytes;
    expect(fast(trailing)).toBeNull();
    const short = testBatch({ recordCount: 2, rawPayload: new Uint8Array(recordBytes(plain(0))) }).bytes;
    expect(fast(short)).toBeNull();
  });

  test("random encodings: accepted exactly when the rows rebuild the batch, and then with the same COPY data", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    let accepted = 0;
    for (let round = 0; round < 2_000; round++) {
      const count = 1 + Math.floor(random() * 6);
      const records = Array.from({ length: count }, (_, i): HandRecord => {
        const bytesOf = () => (random() < 0.2 ? null : new Uint8Array(Math.floor(random() * 200)).map(() => Math.floor(random() * 256)));
        return {
          attributes: random() < 0.05 ? 1 : 0,
          timestampDelta: pick([0, 1, -1, 63, 64, 8191, 8192, -100_000, 2 ** 40, 4_000_000_000_000_000]),
          offsetDelta: i,
          key: bytesOf(),
          value: bytesOf(),
          headerCount: random() < 0.05 ? 1 : 0,
          padded: random() < 0.15 ? [pick(["length", "timestamp", "offset", "key", "value"] as const)] : [],
        };
      });
      const bytes = handBatch(records, pick([1_700_000_000_000, -1, 0, 5_000_000_000_000_000]));
      const rows = fast(bytes);
      expect(rows !== null).toBe(rebuildsExactly(bytes));
      if (rows !== null) {
        accepted++;
        expectSameRows(bytes, rows);
      }
    }
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(1_900);
  });
});
